package org.jamesdmarc.mail;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The SMTP client a relay saw, read from the Received field it added: HELO/EHLO name as the relay wrote
 * it (may be an address literal such as "[192.0.2.1]"), the client IP, and the reverse DNS name the relay
 * found (empty when "unknown").
 */
public record RelayedClient(String helo, InetAddress ip, Optional<String> reverseName) {

    public RelayedClient {
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(reverseName, "reverseName");
    }
}
