package org.jamesdmarc.store;

/** Which specification an inbound aggregate report follows. */
public enum InboundFormat {
    /** RFC 9990: namespace {@code urn:ietf:params:xml:ns:dmarc-2.0}. */
    RFC9990("rfc9990"),
    /** RFC 7489 Appendix C: no namespace, or {@code http://dmarc.org/dmarc-xml/0.1}. */
    RFC7489("rfc7489");

    private final String code;

    InboundFormat(String code) {
        this.code = code;
    }

    /** The stored value. */
    public String code() {
        return code;
    }

    static InboundFormat of(String code) {
        return Codes.parse(InboundFormat.class, InboundFormat::code, code);
    }
}
