package org.jamesdmarc.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.apache.james.jdkim.canon.SimpleBodyCanonicalizer;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;
import org.jamesdmarc.auth.DkimSignatureScreen.Rejected;
import org.jamesdmarc.auth.DkimSignatureScreen.Screened;
import org.jamesdmarc.auth.DkimSignatureScreen.Usable;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.ParallelLookups;
import org.jamesdmarc.mail.HeaderSection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376) with jDKIM 0.3, fetching keys through our {@link DnsClient}.
 * Each signature gets its own {@link DkimOutcome} (jDKIM's own API stops reporting failures once one signature
 * passes); none of them can make this class throw. Thread-safe.
 */
public final class DkimVerifier {

    /** Signatures verified per message; later ones are not evaluated (bounded work for hostile messages). */
    public static final int MAX_SIGNATURES = 10;

    /** RFC 8301 §3.2: RSA keys shorter than 1024 bits MUST NOT be considered valid. */
    static final int MIN_RSA_BITS = 1024;
    /** Local policy: RFC 8301 §3.2 requires 1024–4096; much larger keys only cost CPU. */
    static final int MAX_RSA_BITS = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(DkimVerifier.class);

    private final DnsClient dns;
    private final boolean partialBodyPasses;
    /** Parsed key records, shared by the messages this verifier checks (keyed by the record text DNS gives). */
    private final DkimKeyCache keyCache = new DkimKeyCache();

    /** A verifier for which a signature whose {@code l=} leaves body content unsigned is not a pass. */
    public DkimVerifier(DnsClient dns) {
        this(dns, false);
    }

    /**
     * @param partialBodyPasses true restores RFC 6376 §3.5: a signature covering only the first {@code l=} octets of
     *                          the body passes even when more follows. False (the default): such a signature gives
     *                          {@link DkimResult#POLICY} (RFC 8601 §2.7.1: signed, but not acceptable to us), since
     *                          anyone can append content to a replayed message (RFC 6376 §8.2).
     */
    public DkimVerifier(DnsClient dns, boolean partialBodyPasses) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.partialBodyPasses = partialBodyPasses;
    }

    /** The parsed key records this verifier keeps between messages (for tests). */
    DkimKeyCache keyCache() {
        return keyCache;
    }

    /** Reads the whole message (RFC 5322, CRLF or LF line ends) and verifies it; the stream is not closed. */
    public List<DkimOutcome> verify(InputStream message) throws IOException {
        return verify(message.readAllBytes());
    }

    /**
     * One outcome per DKIM-Signature header field, top first (at most {@link #MAX_SIGNATURES}); empty when the
     * message has none.
     */
    public List<DkimOutcome> verify(byte[] message) {
        Objects.requireNonNull(message, "message");
        return verify(message, HeaderSection.parse(message));
    }

    /** As {@link #verify(byte[])}, with the message's header section already read. */
    public List<DkimOutcome> verify(byte[] message, HeaderSection header) {
        try (Signatures signatures = signatures(message, header)) {
            List<Integer> first = new ArrayList<>();
            for (int i = 0; i < Math.min(signatures.count(), MAX_SIGNATURES); i++) {
                first.add(i);
            }
            try {
                return signatures.verifyOrThrow(first, dns);
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("DKIM verification failed unexpectedly: {}", e.toString());
                return unparseable(header, e);
            }
        }
    }

    /**
     * The DKIM-Signature fields of a message, for a caller that chooses which of them to verify and through which
     * DNS client (the checker verifies those that could align first, on a budget of their own). Close it when
     * done. A header that cannot be parsed but names a DKIM-Signature shows as one signature whose outcome is
     * a permerror.
     */
    public Signatures signatures(byte[] message, HeaderSection header) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(header, "header");
        if (!mayHaveSignature(header)) {
            // RFC 6376 §6.1: no DKIM-Signature field, nothing to verify, and no MIME parse needed.
            return new Signatures(null, List.of(), List.of());
        }
        DkimMessage parsed;
        try {
            parsed = DkimMessage.parse(message);
        } catch (Exception | StackOverflowError e) {
            return new Signatures(null, List.of(), unparseable(header, e));
        }
        List<String> fields;
        try {
            fields = parsed.getFields(DKIM_SIGNATURE);
        } catch (RuntimeException e) {
            parsed.dispose();
            return new Signatures(null, List.of(), unparseable(header, e));
        }
        return new Signatures(parsed, fields == null ? List.of() : List.copyOf(fields), null);
    }

    /**
     * The DKIM-Signature fields of one message, top first, verified a selection at a time
     * ({@link DkimVerifier#signatures}). Not thread-safe; the key lookups of one {@link #verify} call run in
     * parallel ({@link ParallelLookups}).
     */
    public final class Signatures implements AutoCloseable {

        private final DkimMessage message;
        private final List<String> fields;
        /** Outcomes known without verifying (a header that cannot be parsed), else null. */
        private final List<DkimOutcome> decided;
        private final long now = System.currentTimeMillis() / 1000;
        private byte[] body;

        private Signatures(DkimMessage message, List<String> fields, List<DkimOutcome> decided) {
            this.message = message;
            this.fields = fields;
            this.decided = decided;
        }

        /** How many DKIM-Signature fields the message has. */
        public int count() {
            return decided != null ? decided.size() : fields.size();
        }

        /** The {@code d=} of signature {@code index} as far as it reads as a domain name, before any verification. */
        public Optional<DomainName> signingDomain(int index) {
            if (decided != null) {
                return decided.get(index).domain();
            }
            String field = fields.get(index);
            int colon = field == null ? -1 : field.indexOf(':');
            return colon < 0 ? Optional.empty() : DkimSignatureScreen.lenientIds(field.substring(colon + 1)).domain();
        }

        /**
         * Signature {@code index} not verified, reported with {@code result} (not a pass) and {@code reason}, and its
         * {@code d=} and {@code s=} as far as they read.
         */
        public DkimOutcome unverified(int index, DkimResult result, String reason) {
            if (result == DkimResult.PASS) {
                throw new IllegalArgumentException("an unverified signature cannot pass");
            }
            if (decided != null) {
                return decided.get(index);
            }
            String field = fields.get(index);
            int colon = field == null ? -1 : field.indexOf(':');
            DkimSignatureScreen.Ids ids = colon < 0 ? new DkimSignatureScreen.Ids(Optional.empty(), "")
                    : DkimSignatureScreen.lenientIds(field.substring(colon + 1));
            return new DkimOutcome(result, ids.domain(), ids.selector(), reason, ids.identity());
        }

        /**
         * Verifies the signatures at {@code indexes} (each at most once per call), their keys looked up through
         * {@code dns}, in parallel: one outcome per index, in the order given. Never throws for anything in the
         * message or the DNS.
         */
        public List<DkimOutcome> verify(List<Integer> indexes, DnsClient dns) {
            try {
                return verifyOrThrow(indexes, dns);
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("DKIM verification failed unexpectedly: {}", e.toString());
                List<DkimOutcome> out = new ArrayList<>(indexes.size());
                for (int i : indexes) {
                    out.add(new DkimOutcome(DkimResult.PERMERROR, signingDomain(i), "",
                            DkimSignatureScreen.reason("unverifiable", e.getClass().getSimpleName())));
                }
                return out;
            }
        }

        private List<DkimOutcome> verifyOrThrow(List<Integer> indexes, DnsClient dns) {
            Objects.requireNonNull(dns, "dns");
            if (decided != null) {
                return indexes.stream().map(decided::get).toList();
            }
            if (indexes.isEmpty()) {
                return List.of();
            }
            // One verifier and DNS answer memo per call; every key is fetched before the first is used. The
            // parsed records are shared between calls (keyCache), keyed by the text DNS answered this time.
            DkimKeyRetriever keys = new DkimKeyRetriever(dns);
            List<Screening> screenings = new ArrayList<>(indexes.size());
            List<Usable> usable = new ArrayList<>();
            for (int index : indexes) {
                Screening screening = Screening.of(fields.get(index), now);
                screenings.add(screening);
                if (screening.screened() instanceof Usable u) {
                    usable.add(u);
                }
            }
            // jDKIM parses each signature value again; it gets the record the screen parsed from the same text
            // (a scan with equals(): a signature value is long, hashing it costs more than comparing a few).
            DKIMVerifier jdkim = keyCache.verifier(keys, value -> screenedRecord(screenings, value));
            keys.prefetch(usable);
            List<Pending> pending = new ArrayList<>();
            DkimOutcome[] outcomes = new DkimOutcome[indexes.size()];
            for (int i = 0; i < outcomes.length; i++) {
                HeaderStep step = headerPhase(jdkim, message, fields.get(indexes.get(i)), screenings.get(i));
                if (step instanceof Decided d) {
                    outcomes[i] = d.outcome();
                } else if (step instanceof AwaitingBody awaiting) {
                    pending.add(new Pending(i, awaiting.signature(), awaiting.hasher(), awaiting.testing()));
                }
            }
            if (!pending.isEmpty()) {
                bodyPhase(jdkim, pending, outcomes);
            }
            return List.of(outcomes);
        }

        /** The message body, read once. */
        private byte[] body() throws IOException {
            if (body == null) {
                try (InputStream in = message.getBodyInputStream()) {
                    body = in == null ? new byte[0] : in.readAllBytes();
                }
            }
            return body;
        }

        /** Hashes the body once per pending signature and completes each verification. */
        private void bodyPhase(DKIMVerifier jdkim, List<Pending> pending, DkimOutcome[] outcomes) {
            byte[] bytes;
            try {
                bytes = body();
            } catch (IOException | RuntimeException e) {
                for (Pending p : pending) {
                    outcomes[p.index()] = outcome(DkimResult.PERMERROR, p.signature(), "message body unreadable");
                }
                return;
            }
            for (Pending p : pending) {
                DkimOutcome outcome = completeBody(jdkim, p, bytes);
                outcomes[p.index()] = outcome.result() == DkimResult.PASS && !partialBodyPasses
                        ? unsignedBodyContent(p, bytes).map(unsigned -> outcome(DkimResult.POLICY, p.signature(),
                                "l= leaves " + unsigned + " body octets unsigned")).orElse(outcome)
                        : outcome;
            }
        }

        @Override
        public void close() {
            if (message != null) {
                message.dispose();
            }
        }
    }

    /** The record the screen parsed from signature value {@code value}, null when none was usable. */
    private static SignatureRecord screenedRecord(List<Screening> screenings, String value) {
        for (Screening screening : screenings) {
            if (screening.screened() instanceof Usable u && value.equals(screening.value())) {
                return u.record();
            }
        }
        return null;
    }

    /** One signature field screened before any DNS query: its value, its ids, and the screening or why it failed. */
    private record Screening(String value, DkimSignatureScreen.Ids ids, Screened screened, RuntimeException failure) {

        static Screening of(String field, long now) {
            int colon = field == null ? -1 : field.indexOf(':');
            if (colon < 0) {
                return new Screening(null, new DkimSignatureScreen.Ids(Optional.empty(), ""), null, null);
            }
            String value = field.substring(colon + 1);
            DkimSignatureScreen.Ids ids = DkimSignatureScreen.lenientIds(value);
            try {
                return new Screening(value, ids, DkimSignatureScreen.screen(value, ids, now), null);
            } catch (RuntimeException e) {
                return new Screening(value, ids, null, e);
            }
        }
    }

    /**
     * True when the header section may hold a DKIM-Signature field: one of its fields is named so (as
     * javax.mail reads names, obsolete WSP before the colon included), or it was too long to read to the end.
     * An over-approximation of what jDKIM finds: a false positive only costs the full parse.
     */
    static boolean mayHaveSignature(HeaderSection header) {
        return header.capReached() || header.hasField(DKIM_SIGNATURE);
    }

    static boolean mayHaveSignature(byte[] message) {
        return mayHaveSignature(HeaderSection.parse(message));
    }

    private static final String DKIM_SIGNATURE = "DKIM-Signature";

    private record Pending(int index, Usable signature, BodyHasher hasher, boolean testing) {
    }

    /** Where a signature stands after its header phase. */
    private sealed interface HeaderStep permits Decided, AwaitingBody {
    }

    private record Decided(DkimOutcome outcome) implements HeaderStep {
    }

    private record AwaitingBody(Usable signature, BodyHasher hasher, boolean testing) implements HeaderStep {
    }

    /** Screening (done before), key retrieval and the header hash: decided, or waiting for the body hash. */
    private static HeaderStep headerPhase(DKIMVerifier jdkim, DkimMessage message, String field, Screening screening) {
        if (screening.value() == null) {
            return decided(DkimResult.PERMERROR, new DkimSignatureScreen.Ids(Optional.empty(), ""),
                    "malformed DKIM-Signature field");
        }
        DkimSignatureScreen.Ids ids = screening.ids();
        try {
            if (screening.failure() != null) {
                throw screening.failure();
            }
            Screened screened = screening.screened();
            if (screened instanceof Rejected rejected) {
                return new Decided(rejected.outcome());
            }
            Usable sig = (Usable) screened;
            KeyCheck key = checkKey(jdkim, sig);
            if (key instanceof KeyRejected rejectedKey) {
                return new Decided(rejectedKey.outcome());
            }
            // jDKIM hashes the signed header fields and checks b= (the key comes from the per-message cache).
            BodyHasher hasher = jdkim.newBodyHasher(new SingleSignatureHeaders(message, field));
            if (hasher == null) {
                return new Decided(outcome(DkimResult.PERMERROR, sig, "signature not found"));
            }
            return new AwaitingBody(sig, hasher, ((KeyAccepted) key).testing());
        } catch (TempFailException e) {
            return decided(DkimResult.TEMPERROR, ids,
                    DkimSignatureScreen.reason("key unavailable", null));
        } catch (PermFailException e) {
            if (isSignatureMismatch(e)) {
                // RFC 6376 §6.1.3: the header hash does not verify against b= -> PERMFAIL (signature did not verify).
                return decided(DkimResult.FAIL, ids, "header signature did not verify");
            }
            return decided(DkimResult.PERMERROR, ids,
                    DkimSignatureScreen.reason("unverifiable", e.getMessage()));
        } catch (FailException | RuntimeException | StackOverflowError e) {
            LOG.debug("DKIM signature d={} s={} unverifiable", ids.domain().map(DomainName::name).orElse(""),
                    ids.selector(), e);
            return decided(DkimResult.PERMERROR, ids,
                    DkimSignatureScreen.reason("unverifiable", e.getMessage()));
        }
    }

    private static Decided decided(DkimResult result, DkimSignatureScreen.Ids ids, String reason) {
        return new Decided(new DkimOutcome(result, ids.domain(), ids.selector(), reason, ids.identity()));
    }

    /** What the key lookup concluded. */
    private sealed interface KeyCheck permits KeyRejected, KeyAccepted {
    }

    private record KeyRejected(DkimOutcome outcome) implements KeyCheck {
    }

    /** Usable; {@code testing} when the key record has t=y (RFC 6376 §3.6.1). */
    private record KeyAccepted(boolean testing) implements KeyCheck {
    }

    /** Looks the key up and judges it (RFC 6376 §6.1.2, RFC 8301 §3.2). */
    private static KeyCheck checkKey(DKIMVerifier jdkim, Usable sig) {
        PublicKeyRecord record;
        try {
            record = jdkim.publicRecordLookup(sig.record());
        } catch (TempFailException e) {
            // RFC 6376 §6.1.2 step 2: no answer from DNS -> TEMPFAIL (key unavailable).
            return rejectKey(DkimResult.TEMPERROR, sig, "key unavailable (DNS temporary failure)");
        } catch (PermFailException e) {
            return rejectKey(DkimResult.PERMERROR, sig, keyFailureReason(e.getMessage()));
        }
        PublicKey key;
        try {
            key = record.getPublicKey();
        } catch (RuntimeException e) {
            // RFC 6376 §6.1.2 step 7: p= does not decode to a key -> PERMFAIL (key syntax error).
            return rejectKey(DkimResult.PERMERROR, sig, "invalid public key");
        }
        if (!(key instanceof RSAPublicKey rsa)) {
            return rejectKey(DkimResult.PERMERROR, sig, "key is not an RSA key");
        }
        int bits = rsa.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            // RFC 8301 §3.2: verifiers MUST NOT consider signatures with RSA keys under 1024 bits valid.
            return rejectKey(DkimResult.POLICY, sig, "key too short (" + bits + " bits, RFC 8301)");
        }
        if (bits > MAX_RSA_BITS) {
            return rejectKey(DkimResult.POLICY, sig, "key longer than " + MAX_RSA_BITS + " bits not accepted");
        }
        return new KeyAccepted(isTesting(record));
    }

    private static KeyRejected rejectKey(DkimResult result, Usable sig, String reason) {
        return new KeyRejected(outcome(result, sig, reason));
    }

    private static boolean isTesting(PublicKeyRecord record) {
        try {
            return record instanceof PublicKeyRecordImpl impl && impl.isTesting();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String keyFailureReason(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("revoked")) {
            return "key revoked (empty p=)"; // RFC 6376 §3.6.1: an empty p= means the key was revoked
        }
        if (m.startsWith("no key")) {
            return "no key for signature"; // RFC 6376 §6.1.2 step 3
        }
        if (m.startsWith("unsupported key query method")) {
            return "unsupported q= method";
        }
        if (m.startsWith("invalid key for signature")) {
            return DkimSignatureScreen.reason("invalid key record", message.substring("invalid key for signature:".length()).strip());
        }
        // inapplicable identity (g=), hash (h=), key type (k=), or subdomains denied (t=s): RFC 6376 §6.1.2 steps 5–8.
        return DkimSignatureScreen.reason("key not applicable", message);
    }

    private static boolean isSignatureMismatch(PermFailException e) {
        return "Header signature does not verify".equals(e.getMessage()) || e.getCause() instanceof SignatureException;
    }

    private static DkimOutcome completeBody(DKIMVerifier jdkim, Pending p, byte[] body) {
        try {
            try (OutputStream out = p.hasher().getOutputStream()) {
                out.write(body);
            }
            List<?> verified = jdkim.verify(p.hasher());
            if (verified != null && !verified.isEmpty()) {
                // RFC 6376 §3.6.1 t=y: the signer is testing; the result stands, the reason says so.
                return outcome(DkimResult.PASS, p.signature(),
                        p.testing() ? "signature verified (key in testing mode, t=y)" : "signature verified");
            }
            return outcome(DkimResult.PERMERROR, p.signature(), "signature not verified");
        } catch (PermFailException e) {
            // RFC 6376 §6.1.3 step 4: computed body hash differs from bh= -> PERMFAIL (body hash did not verify).
            return outcome(DkimResult.FAIL, p.signature(), "body hash did not verify");
        } catch (FailException | IOException | RuntimeException | StackOverflowError e) {
            return outcome(DkimResult.PERMERROR, p.signature(), DkimSignatureScreen.reason("unverifiable", e.getMessage()));
        }
    }

    /**
     * RFC 6376 §3.5 l=: how many octets of the canonicalized body (§3.4.3, §3.4.4) lie beyond the signed length,
     * when any do. Counted with jDKIM's own body canonicalizers, so the length is the one the body hash covered.
     */
    private static Optional<Long> unsignedBodyContent(Pending p, byte[] body) {
        int limit = p.signature().record().getBodyHashLimit();
        if (limit < 0) {
            return Optional.empty(); // no l= tag: the whole body is signed
        }
        CountingOutputStream counter = new CountingOutputStream();
        try (OutputStream canon = "relaxed".equalsIgnoreCase(p.signature().record().getBodyCanonicalisationMethod())
                ? new RelaxedBodyCanonicalizer(counter) : new SimpleBodyCanonicalizer(counter)) {
            canon.write(body);
        } catch (IOException e) {
            return Optional.of(-1L); // cannot tell: not a full-body pass either
        }
        long unsigned = counter.count - limit;
        return unsigned > 0 ? Optional.of(unsigned) : Optional.empty();
    }

    /** Counts the octets written, keeps none. */
    private static final class CountingOutputStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private static DkimOutcome outcome(DkimResult result, Usable sig, String reason) {
        return new DkimOutcome(result, Optional.of(sig.domain()), sig.selector(), reason, sig.identity());
    }

    /**
     * The header could not be parsed (e.g. a line over mime4j's limits): if it names a DKIM-Signature, report one
     * permerror for the message rather than pretending it is unsigned.
     */
    private static List<DkimOutcome> unparseable(HeaderSection header, Throwable cause) {
        if (!header.hasField(DKIM_SIGNATURE)) {
            return List.of();
        }
        return List.of(new DkimOutcome(DkimResult.PERMERROR, Optional.empty(), "",
                DkimSignatureScreen.reason("message header could not be parsed", cause.getClass().getSimpleName())));
    }
}
