package org.jamesdmarc.store;

import java.util.Objects;

/**
 * How an inbound report came in: mailed to the {@code rua}/{@code ruf} mailbox (the {@code DmarcReportIngest}
 * mailet) or read from a file ({@code dmarc report ingest}), and its name there (the mail's Message-ID and the
 * attachment's file name, or the file's path).
 */
public record InboundOrigin(Kind kind, String name) {

    /** Mail or file. */
    public enum Kind {
        MAIL("mail"), FILE("file");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** The stored value. */
        public String code() {
            return code;
        }

        static Kind of(String code) {
            return Codes.parse(Kind.class, Kind::code, code);
        }
    }

    public InboundOrigin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        name = Text.clean(name, 1000);
    }

    public static InboundOrigin mail(String name) {
        return new InboundOrigin(Kind.MAIL, name);
    }

    public static InboundOrigin file(String name) {
        return new InboundOrigin(Kind.FILE, name);
    }
}
