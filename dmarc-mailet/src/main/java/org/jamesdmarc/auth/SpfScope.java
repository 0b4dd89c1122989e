package org.jamesdmarc.auth;

/** Which identity SPF checked (RFC 7208 §2.3/§2.4); DMARC uses MAIL FROM, or HELO when the reverse-path is null. */
public enum SpfScope {
    MFROM("mfrom"),
    HELO("helo");

    private final String keyword;

    SpfScope(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
