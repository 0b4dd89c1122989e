package org.jamesdmarc.dns;

import org.xbill.DNS.Type;

/** The resource record types the checks ask for, so callers above this package need no dnsjava constants. */
public enum RecordType {
    A(Type.A), AAAA(Type.AAAA), MX(Type.MX), PTR(Type.PTR), TXT(Type.TXT);

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The RR type number (RFC 1035 §3.2.2, RFC 3596). */
    public int code() {
        return code;
    }
}
