package org.jamesdmarc.dns;

import java.util.List;
import java.util.Objects;

/**
 * A TXT lookup: each element of {@code texts} is one TXT resource record with its character-strings
 * concatenated (RFC 7208 §3.3, RFC 9989 §4.10 read a record split into several strings as one).
 */
public record TxtAnswer(DnsStatus status, List<String> texts, String detail) {

    public TxtAnswer {
        Objects.requireNonNull(status, "status");
        texts = List.copyOf(texts);
        Objects.requireNonNull(detail, "detail");
    }
}
