package org.jamesdmarc.check;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The client DMARC judges. Behind a trusted relay (a Postfix MX in front of James) it is the original
 * client taken from the topmost Received field that relay added; otherwise the SMTP session's client.
 */
public record ClientIdentity(InetAddress address, String helo, boolean viaTrustedRelay) {
    public ClientIdentity {
        Objects.requireNonNull(address, "address");
        helo = helo == null ? "" : helo;
    }
}
