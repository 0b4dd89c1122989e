package org.jamesdmarc.mail;

import java.util.Locale;
import java.util.Objects;

/**
 * RFC 8601 §2.2 propspec {@code ptype.property=pvalue}. {@code ptype} and {@code name} are lower-case;
 * {@code value} is as written, with a quoted-string's quotes and quoted-pairs removed.
 * {@code commentAttached} is true when a comment touches the value with no whitespace in between
 * ({@code header.d=good.example(.evil.example)}): legal CFWS, but the signature of CVE-2020-12272
 * results injection, so callers must not trust such a value as an identity.
 */
public record Property(String ptype, String name, String value, boolean commentAttached) {

    public Property {
        Objects.requireNonNull(ptype, "ptype");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public Property(String ptype, String name, String value) {
        this(ptype, name, value, false);
    }

    public boolean is(String ptype, String name) {
        return this.ptype.equals(ptype.toLowerCase(Locale.ROOT)) && this.name.equals(name.toLowerCase(Locale.ROOT));
    }
}
