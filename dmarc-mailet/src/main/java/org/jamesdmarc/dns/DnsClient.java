package org.jamesdmarc.dns;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The DNS access every check uses (DMARC discovery, SPF, DKIM keys), so one set of settings
 * (servers, timeout, cache) applies to all of them. Implementations never throw for DNS trouble:
 * it is reported as {@link DnsStatus#TEMPFAIL}. Names are absolute or relative to the root; a
 * trailing dot is optional.
 */
public interface DnsClient {

    /** One query of type {@code type} (an {@link org.xbill.DNS.Type} constant) for {@code name}. */
    DnsAnswer query(String name, int type);

    /** One query of type {@code type} for {@code name}. */
    default DnsAnswer query(String name, RecordType type) {
        return query(name, type.code());
    }

    /**
     * As {@link #query(String, int)}, but given up (TEMPFAIL) once {@code maxWait} has passed, for a caller with a
     * time budget ({@link BudgetedDnsClient}). A client that cannot cut a query short answers as
     * {@link #query(String, int)} does.
     */
    default DnsAnswer query(String name, int type, Duration maxWait) {
        return query(name, type);
    }

    /** The answer this client would give without asking any server (from its cache), when it has one. */
    default Optional<DnsAnswer> cachedAnswer(String name, int type) {
        return Optional.empty();
    }

    /** TXT records at {@code name}, each one's strings concatenated. */
    TxtAnswer txt(String name);

    /**
     * What {@code reader} makes of the TXT records at {@code name}. A caching client keeps that reading
     * with its cached answer, so it is computed once per cached answer (at most for the answer's TTL)
     * instead of once per call: {@code reader} must be a pure function of the answer, and callers pass
     * the same reader instance every time (readings are told apart by reader identity). Otherwise the
     * same as {@code reader.apply(txt(name))}.
     */
    default <T> T readTxt(String name, Function<? super TxtAnswer, ? extends T> reader) {
        return reader.apply(txt(name));
    }

    /**
     * {@link #readTxt} when this client can answer without asking any server (from its cache), else empty; for
     * a caller that decides whether a query may be sent ({@link BudgetedDnsClient}).
     */
    default <T> Optional<T> readCachedTxt(String name, Function<? super TxtAnswer, ? extends T> reader) {
        return Optional.empty();
    }

    /** RFC 9989 §3.2.13: does {@code domain} exist (any of A, AAAA, MX answered with data)? */
    DomainExistence exists(String domain);
}
