package org.jamesdmarc.auth;

import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;

/**
 * Parsed DKIM key records (RFC 6376 §3.6.1), shared by the messages a {@link DkimVerifier} checks, so the tag list,
 * its validation, the base64 {@code p=} and the X.509 key are decoded once per record rather than twice per
 * signature (jDKIM parses the record again for the header hash and decodes the key on every
 * {@code getPublicKey()}).
 *
 * <p>Keyed by the record's exact text, as DNS gave it for the message being verified: the DNS cache (and its
 * TTLs) still decides which text each message sees, so a key record that changes is a new entry as soon as DNS
 * returns the new text, and an entry can never outlive the record in a way DNS would not. Thread-safe; at most
 * {@link #MAX_ENTRIES} records, least recently used dropped first. A record that does not validate or whose
 * key does not decode is cached with that failure and fails the same way every time.
 */
final class DkimKeyCache {

    /** Distinct key records kept (about 1–3 KB each for RSA-2048 to RSA-4096). */
    static final int MAX_ENTRIES = 1024;

    private final Map<String, CachedKeyRecord> records;

    DkimKeyCache() {
        this(MAX_ENTRIES);
    }

    DkimKeyCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
        }
        this.records = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachedKeyRecord> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The parsed record of {@code text}; parses it (outside the lock) when not cached. */
    PublicKeyRecord record(String text) {
        Objects.requireNonNull(text, "text");
        synchronized (records) {
            CachedKeyRecord cached = records.get(text);
            if (cached != null) {
                return cached;
            }
        }
        CachedKeyRecord parsed = new CachedKeyRecord(text); // may throw for a malformed tag list: not cached
        synchronized (records) {
            CachedKeyRecord raced = records.putIfAbsent(text, parsed);
            return raced != null ? raced : parsed;
        }
    }

    int size() {
        synchronized (records) {
            return records.size();
        }
    }

    /** A jDKIM verifier for one message whose key records come from this cache. */
    DKIMVerifier verifier(PublicKeyRecordRetriever retriever) {
        return verifier(retriever, value -> null);
    }

    /**
     * As {@link #verifier(PublicKeyRecordRetriever)}, and a signature value (the text after "DKIM-Signature:")
     * for which {@code screened} gives a record (null: none) is not parsed again: jDKIM gets the record our screen already parsed and
     * validated from that same text (jDKIM's {@code validate()} and getters do not change a record). Any other
     * value is parsed by jDKIM as usual. {@code screened} may learn its records after this call, before jDKIM needs them.
     */
    DKIMVerifier verifier(PublicKeyRecordRetriever retriever,
                          Function<String, ? extends SignatureRecord> screened) {
        Objects.requireNonNull(screened, "screened");
        return new DKIMVerifier(retriever) {
            @Override
            protected PublicKeyRecord newPublicKeyRecord(String record) {
                return record(record);
            }

            @Override
            public SignatureRecord newSignatureRecord(String value) {
                SignatureRecord parsed = value == null ? null : screened.apply(value);
                return parsed != null ? parsed : super.newSignatureRecord(value);
            }
        };
    }

    /**
     * jDKIM's record with its validation and its key decoded once, on first use. Still a
     * {@link PublicKeyRecordImpl}, so everything jDKIM (and {@link DkimVerifier}) reads from it is unchanged;
     * nothing in it changes after construction but the two memos, each computed from the immutable tags.
     */
    static final class CachedKeyRecord extends PublicKeyRecordImpl {

        /** RuntimeException message of validate(), or "" when valid; null until computed. */
        private volatile String validation;
        private volatile PublicKey key;
        /** The IllegalStateException message of getPublicKey(); null when not failed (or not yet tried). */
        private volatile String keyFailure;
        /** jDKIM compiles the g= pattern on every call; null until it compiled once (a failure is not kept). */
        private volatile Pattern granularity;

        CachedKeyRecord(String text) {
            super(text);
        }

        @Override
        public void validate() {
            String v = validation;
            if (v == null) {
                try {
                    super.validate();
                    v = "";
                } catch (IllegalStateException e) {
                    v = e.getMessage() == null ? "invalid key record" : e.getMessage();
                }
                validation = v;
            }
            if (!v.isEmpty()) {
                throw new IllegalStateException(v);
            }
        }

        @Override
        public PublicKey getPublicKey() {
            PublicKey k = key;
            if (k != null) {
                return k;
            }
            String failed = keyFailure;
            if (failed == null) {
                try {
                    k = super.getPublicKey();
                    key = k;
                    return k;
                } catch (IllegalStateException e) {
                    failed = e.getMessage() == null ? "invalid public key" : e.getMessage();
                    keyFailure = failed;
                }
            }
            throw new IllegalStateException(failed);
        }

        /**
         * RFC 6376 §3.6.1 g= (kept by jDKIM 0.3 for the identity check): jDKIM's own pattern, compiled once per
         * record instead of once per signature. A g= that does not compile throws as jDKIM does, every time.
         */
        @Override
        public Pattern getGranularityPattern() {
            Pattern p = granularity;
            if (p == null) {
                p = super.getGranularityPattern();
                granularity = p;
            }
            return p;
        }
    }
}
