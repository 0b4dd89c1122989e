package org.jamesdmarc.auth.arc;

import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;
import org.jamesdmarc.auth.DkimKeyRetriever;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.ParallelLookups;
import org.jamesdmarc.dns.TxtAnswer;

/**
 * The keys of one message's ARC signatures (RFC 8617 §4.1.2, §4.1.3: DKIM keys, RFC 6376 §3.6), looked up through
 * the caller's {@link DnsClient} (its budget, its cache), each name once per message, several at once in parallel.
 * Judged by the rules of our DKIM verification: k=rsa, h= allowing sha256, RSA of 1024 to 8192 bits (RFC 8301 §3.2).
 * Not thread-safe (one message).
 */
final class ArcKeys {

    /** RFC 8301 §3.2: RSA keys shorter than 1024 bits MUST NOT be considered valid (as {@code DkimVerifier}). */
    static final int MIN_RSA_BITS = 1024;
    /** Local policy, as {@code DkimVerifier}: much larger keys only cost CPU. */
    static final int MAX_RSA_BITS = 8192;

    /** A key, or why there is none. */
    sealed interface Lookup permits Found, Missing, Unavailable {
    }

    record Found(RSAPublicKey key) implements Lookup {
    }

    /** No usable key: a permanent failure of the signature (RFC 6376 §6.1.2 PERMFAIL). */
    record Missing(String reason) implements Lookup {
    }

    /** The key could not be fetched for now (RFC 6376 §6.1.2 step 2: TEMPFAIL). */
    record Unavailable(String reason) implements Lookup {
    }

    private final DnsClient dns;
    private final Map<String, TxtAnswer> answers = new HashMap<>();

    ArcKeys(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** Looks up the keys of {@code selectorsAndDomains} ({@code [s, d]} pairs) at once; later calls find them here. */
    void prefetch(List<String[]> selectorsAndDomains) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String[] sd : selectorsAndDomains) {
            DkimKeyRetriever.keyRecordName(sd[0], sd[1]).filter(n -> !answers.containsKey(n)).ifPresent(names::add);
        }
        List<String> todo = new ArrayList<>(names);
        List<TxtAnswer> found = ParallelLookups.map(todo, this::lookup);
        for (int i = 0; i < todo.size(); i++) {
            answers.put(todo.get(i), found.get(i));
        }
    }

    Lookup key(String selector, String domain) {
        var name = DkimKeyRetriever.keyRecordName(selector, domain);
        if (name.isEmpty()) {
            return new Missing("no key record name for s=" + selector + " d=" + domain);
        }
        TxtAnswer answer = answers.computeIfAbsent(name.get(), this::lookup);
        if (answer.status() == DnsStatus.TEMPFAIL) {
            // RFC 6376 §6.1.2 step 2: the key is unavailable for now; for ARC that is a temperror, never a pass.
            return new Unavailable("key unavailable (DNS temporary failure)");
        }
        if (answer.status() != DnsStatus.FOUND || answer.texts().isEmpty()) {
            return new Missing("no key for signature");
        }
        return judge(answer.texts().get(0));
    }

    /** RFC 6376 §3.6.1 key record, RFC 8301 §3.1–§3.2 rules. */
    static Lookup judge(String text) {
        PublicKeyRecordImpl record;
        PublicKey key;
        try {
            record = new PublicKeyRecordImpl(text);
            record.validate();
            if (!record.isKeyTypeSupported("rsa")) {
                return new Missing("key type is not rsa");
            }
            if (!record.isHashMethodSupported("sha256")) {
                return new Missing("key does not allow sha256");
            }
            key = record.getPublicKey();
        } catch (RuntimeException e) {
            // Includes an empty p= (RFC 6376 §3.6.1: a revoked key) and base64 or X.509 that does not decode.
            return new Missing("invalid or revoked key record");
        }
        if (!(key instanceof RSAPublicKey rsa)) {
            return new Missing("key is not an RSA key");
        }
        int bits = rsa.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            return new Missing("key too short (" + bits + " bits, RFC 8301)");
        }
        if (bits > MAX_RSA_BITS) {
            return new Missing("key longer than " + MAX_RSA_BITS + " bits not accepted");
        }
        return new Found(rsa);
    }

    private TxtAnswer lookup(String name) {
        try {
            return dns.txt(name);
        } catch (RuntimeException e) {
            return new TxtAnswer(DnsStatus.TEMPFAIL, List.of(), "DNS lookup failed: " + e.getClass().getSimpleName());
        }
    }
}
