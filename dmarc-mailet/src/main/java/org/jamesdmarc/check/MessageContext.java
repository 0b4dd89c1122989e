package org.jamesdmarc.check;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the SMTP session knew about one message, plus the message itself: the input of
 * {@link DmarcChecker#check(MessageContext)}. The same type is filled by the mailet, the SMTP hook
 * and {@code dmarc evaluate}, so all three take one evaluation path.
 *
 * @param clientAddress  the connecting client's IP address
 * @param helo           the HELO/EHLO name the client gave (may be empty)
 * @param mailFrom       the envelope sender; empty for the null reverse-path {@code <>}
 * @param authenticated  true when the client authenticated (SMTP AUTH)
 * @param message        the whole message as received (header and body, CRLF line ends preferred)
 */
public record MessageContext(InetAddress clientAddress, String helo, Optional<String> mailFrom,
                             boolean authenticated, byte[] message) {

    public MessageContext {
        Objects.requireNonNull(clientAddress, "clientAddress");
        helo = helo == null ? "" : helo;
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(message, "message");
    }
}
