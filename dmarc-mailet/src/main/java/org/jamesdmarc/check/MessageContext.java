package org.jamesdmarc.check;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.mail.HeaderSection;

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
 * @param headerOnce     the header section of {@code message}, read on first use and then kept: the check and the
 *                       evaluation record (its Message-ID) share one reading. One that belongs to another array is
 *                       replaced.
 */
public record MessageContext(InetAddress clientAddress, String helo, Optional<String> mailFrom,
                             boolean authenticated, byte[] message, HeaderOnce headerOnce) {

    public MessageContext {
        Objects.requireNonNull(clientAddress, "clientAddress");
        helo = helo == null ? "" : helo;
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(message, "message");
        if (headerOnce == null || headerOnce.message != message) {
            headerOnce = new HeaderOnce(message);
        }
    }

    public MessageContext(InetAddress clientAddress, String helo, Optional<String> mailFrom, boolean authenticated,
                          byte[] message) {
        this(clientAddress, helo, mailFrom, authenticated, message, null);
    }

    /** The header section of {@link #message()} ({@link HeaderSection#parse(byte[])}), read once per context. */
    public HeaderSection header() {
        return headerOnce.get();
    }

    /**
     * The header section of one message array, parsed on the first {@link #get()}. Two threads asking at once may
     * both parse it; both get an equal reading, so no lock is needed.
     */
    public static final class HeaderOnce {
        private final byte[] message;
        private volatile HeaderSection parsed;

        private HeaderOnce(byte[] message) {
            this.message = message;
        }

        public HeaderSection get() {
            HeaderSection h = parsed;
            if (h == null) {
                h = HeaderSection.parse(message);
                parsed = h;
            }
            return h;
        }
    }
}
