package org.jamesdmarc.auth.arc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.arc.ArcCanonicalization.Algorithm;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.mail.HeaderSection.RawField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the ARC chain of a message (RFC 8617 §5.2). Stateless and thread-safe; never throws for anything in the
 * message or the DNS: whatever cannot be verified is a {@link ArcResult#FAIL} with its reason, except a chain whose
 * only problem is a key the DNS could not give for now (a temporary failure): {@link ArcResult#TEMPERROR}.
 *
 * <p>Bounded work: at most {@value #MAX_INSTANCES} sets (more is a fail before anything is parsed, §5.2 step 1); at
 * most one DNS query per distinct key, through the caller's client (its budget); one body hash per canonicalisation;
 * one RSA verification per seal and per message signature.
 */
public final class ArcVerifier {

    /** RFC 8617 §4.2.1: at most 50 ARC sets; §5.2 step 1: more is a fail. */
    public static final int MAX_INSTANCES = 50;

    static final String SEAL = "ARC-Seal";
    static final String MESSAGE_SIGNATURE = "ARC-Message-Signature";
    static final String AUTH_RESULTS = "ARC-Authentication-Results";

    /** RFC 8617 §4.1.2, §4.1.3 with RFC 8301 §3.1: the only signing algorithm accepted. */
    private static final String RSA_SHA256 = "rsa-sha256";

    private static final Logger LOG = LoggerFactory.getLogger(ArcVerifier.class);

    /** The ARC chain of {@code message} (raw, CRLF or LF line ends), keys looked up through {@code dns}. */
    public ArcOutcome verify(byte[] message, DnsClient dns) {
        Objects.requireNonNull(message, "message");
        return verify(message, HeaderSection.parse(message), dns);
    }

    /** As {@link #verify(byte[], DnsClient)}, with the message's header section already read. */
    public ArcOutcome verify(byte[] message, HeaderSection header, DnsClient dns) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(dns, "dns");
        try {
            return new Validation(message, header, new ArcKeys(dns)).run();
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("ARC validation failed unexpectedly: {}", e.toString());
            return ArcOutcome.fail("unverifiable: " + e.getClass().getSimpleName(), List.of());
        }
    }

    /**
     * The number of ARC sets of a message whose structure is sound (RFC 8617 §5.2 steps 1 and 3.1–3.2: sets 1..N,
     * complete, no duplicates), without verifying anything: 0 for none, empty when the structure is broken.
     */
    static Optional<Integer> completeSets(HeaderSection header) {
        Validation v = new Validation(new byte[0], header, null);
        Optional<String> broken = v.readStructure();
        if (broken.isEmpty()) {
            return Optional.of(v.n);
        }
        return broken.get().isEmpty() ? Optional.of(0) : Optional.empty();
    }

    /** The three fields of an ARC set. */
    enum Kind {
        AUTH_RESULTS(ArcVerifier.AUTH_RESULTS),
        MESSAGE_SIGNATURE(ArcVerifier.MESSAGE_SIGNATURE),
        SEAL(ArcVerifier.SEAL);

        final String fieldName;

        Kind(String fieldName) {
            this.fieldName = fieldName;
        }

        static Optional<Kind> of(String name) {
            String n = name.trim();
            for (Kind k : values()) {
                if (k.fieldName.equalsIgnoreCase(n)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** One message's validation. */
    private static final class Validation {

        private final byte[] message;
        private final HeaderSection header;
        private final List<RawField> fields;
        private final ArcKeys keys;
        /** [kind][instance] -> the field; instance 0 unused. */
        private final Map<Kind, RawField[]> sets = new EnumMap<>(Kind.class);
        private final Map<Kind, ArcTags[]> tags = new EnumMap<>(Kind.class);
        private final Map<Algorithm, byte[]> bodyHashes = new EnumMap<>(Algorithm.class);
        private byte[] body;
        private int n;
        /** Whether the last signature checked failed only because its key could not be fetched for now. */
        private boolean keyUnavailable;

        Validation(byte[] message, HeaderSection header, ArcKeys keys) {
            this.message = message;
            this.header = header;
            this.fields = header.rawFields();
            this.keys = keys;
            for (Kind k : Kind.values()) {
                sets.put(k, new RawField[MAX_INSTANCES + 1]);
                tags.put(k, new ArcTags[MAX_INSTANCES + 1]);
            }
        }

        ArcOutcome run() {
            Optional<String> broken = readStructure();
            if (broken.isPresent()) {
                return broken.get().isEmpty() ? ArcOutcome.NONE : ArcOutcome.fail(broken.get(), List.of());
            }
            List<ArcSet> arcSets = arcSets();
            // RFC 8617 §5.2 step 2 and step 3.3: cv=fail anywhere, cv=none only (and always) at i=1.
            for (int i = n; i >= 1; i--) {
                String cv = tags.get(Kind.SEAL)[i].lower("cv").orElse("");
                String expected = i == 1 ? "none" : "pass";
                if (!cv.equals(expected)) {
                    return ArcOutcome.fail("ARC-Seal i=" + i + " has cv=" + (cv.isEmpty() ? "(missing)" : cv)
                            + ", expected cv=" + expected, arcSets);
                }
            }
            List<String[]> wanted = new ArrayList<>();
            signer(tags.get(Kind.MESSAGE_SIGNATURE)[n]).ifPresent(wanted::add);
            for (int i = n; i >= 1; i--) {
                signer(tags.get(Kind.SEAL)[i]).ifPresent(wanted::add);
            }
            keys.prefetch(wanted);
            // A key that could not be fetched for now makes the chain a temperror, unless another signature fails
            // for good: the first such reason, kept while the others are checked.
            Optional<String> temporary = Optional.empty();
            // RFC 8617 §5.2 step 4: the most recent AMS must verify.
            Optional<String> ams = verifyMessageSignature(n);
            if (ams.isPresent()) {
                String why = "ARC-Message-Signature i=" + n + ": " + ams.get();
                if (!keyUnavailable) {
                    return ArcOutcome.fail(why, arcSets);
                }
                temporary = Optional.of(why);
            }
            // RFC 8617 §5.2 step 6: every seal, newest first.
            for (int i = n; i >= 1; i--) {
                Optional<String> seal = verifySeal(i);
                if (seal.isPresent()) {
                    String why = "ARC-Seal i=" + i + ": " + seal.get();
                    if (!keyUnavailable) {
                        return ArcOutcome.fail(why, arcSets);
                    }
                    temporary = temporary.or(() -> Optional.of(why));
                }
            }
            if (temporary.isPresent()) {
                return ArcOutcome.temperror(temporary.get(), arcSets);
            }
            // RFC 8617 §5.2 step 5: oldest-pass, the older AMSes from N-1 down until one fails (one whose key cannot be
            // fetched for now counts as failed: oldest-pass can come out higher for it, never lower).
            int oldestPass = 0;
            for (int i = n - 1; i >= 1; i--) {
                if (verifyMessageSignature(i).isPresent()) {
                    oldestPass = i + 1;
                    break;
                }
            }
            return new ArcOutcome(ArcResult.PASS, oldestPass, arcSets, "chain of " + n + " verified");
        }

        /**
         * Reads the ARC fields into their sets; the reason the structure is broken (RFC 8617 §5.2 steps 1 and 3),
         * "" when there is no ARC field at all, empty when the sets 1..N are complete.
         */
        private Optional<String> readStructure() {
            int count = 0;
            for (RawField f : fields) {
                if (Kind.of(f.name()).isPresent() && ++count > 3 * MAX_INSTANCES) {
                    // RFC 8617 §5.2 step 1: more than 50 sets is a fail; the fields past that are not read.
                    return Optional.of("more than " + MAX_INSTANCES + " ARC sets");
                }
            }
            if (count == 0) {
                return Optional.of("");
            }
            for (RawField f : fields) {
                Optional<Kind> kind = Kind.of(f.name());
                if (kind.isEmpty()) {
                    continue;
                }
                Optional<Integer> instance;
                ArcTags fieldTags = null;
                if (kind.get() == Kind.AUTH_RESULTS) {
                    instance = aarInstance(f.unfoldedValue());
                } else {
                    Optional<ArcTags> parsed = ArcTags.parse(f.body());
                    if (parsed.isEmpty()) {
                        return Optional.of("malformed " + kind.get().fieldName + " tag list");
                    }
                    fieldTags = parsed.get();
                    instance = fieldTags.get("i").flatMap(ArcTags::instance);
                }
                if (instance.isEmpty()) {
                    // RFC 8617 §4.2.1: i= is required, 1..50.
                    return Optional.of(kind.get().fieldName + " without a valid i= (1.." + MAX_INSTANCES + ")");
                }
                int i = instance.get();
                RawField[] slot = sets.get(kind.get());
                if (slot[i] != null) {
                    // RFC 8617 §4.1, §5.2 step 3.1: exactly one field of each kind per instance.
                    return Optional.of("two " + kind.get().fieldName + " fields with i=" + i);
                }
                slot[i] = f;
                tags.get(kind.get())[i] = fieldTags;
                n = Math.max(n, i);
            }
            for (int i = 1; i <= n; i++) {
                for (Kind k : Kind.values()) {
                    if (sets.get(k)[i] == null) {
                        // RFC 8617 §5.2 step 3.1 and 3.2: sets 1..N, each complete, no gap.
                        return Optional.of("ARC set i=" + i + " has no " + k.fieldName);
                    }
                }
            }
            return Optional.empty();
        }

        /** RFC 8617 §4.1.1: AAR value = "i=" instance ";" authres-payload. */
        private static Optional<Integer> aarInstance(String value) {
            int semi = value.indexOf(';');
            String first = (semi < 0 ? value : value.substring(0, semi)).strip();
            int eq = first.indexOf('=');
            if (eq < 0 || !first.substring(0, eq).strip().equals("i")) {
                return Optional.empty();
            }
            return ArcTags.instance(first.substring(eq + 1).strip());
        }

        private List<ArcSet> arcSets() {
            List<ArcSet> out = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                ArcTags seal = tags.get(Kind.SEAL)[i];
                Optional<DomainName> sealer = seal.get("d").flatMap(DomainName::parse);
                String aar = sets.get(Kind.AUTH_RESULTS)[i].unfoldedValue();
                int semi = aar.indexOf(';');
                out.add(new ArcSet(i, sealer, seal.get("s").orElse(""), semi < 0 ? "" : aar.substring(semi + 1).strip()));
            }
            return List.copyOf(out);
        }

        private static Optional<String[]> signer(ArcTags t) {
            Optional<String> s = t.get("s");
            Optional<String> d = t.get("d");
            return s.isPresent() && d.isPresent() ? Optional.of(new String[] {s.get(), d.get()}) : Optional.empty();
        }

        /** RFC 8617 §4.1.2 (RFC 6376 §6.1 as for DKIM): why the AMS of instance {@code i} fails, or empty. */
        private Optional<String> verifyMessageSignature(int i) {
            keyUnavailable = false;
            ArcTags t = tags.get(Kind.MESSAGE_SIGNATURE)[i];
            Optional<String> missing = missingTags(t, "a", "b", "bh", "d", "s", "h");
            if (missing.isPresent()) {
                return missing;
            }
            if (!t.lower("a").orElseThrow().equals(RSA_SHA256)) {
                return Optional.of("a= is not rsa-sha256");
            }
            if (t.has("l")) {
                // Local policy, as for DKIM: a length limit leaves appended content unsigned (RFC 6376 §8.2).
                return Optional.of("l= not accepted");
            }
            String[] c = t.lower("c").orElse("simple/simple").split("/", -1);
            Optional<Algorithm> headerCanon = c.length <= 2 ? Algorithm.of(c[0]) : Optional.empty();
            Optional<Algorithm> bodyCanon = c.length == 1 ? Optional.of(Algorithm.SIMPLE)
                    : c.length == 2 ? Algorithm.of(c[1]) : Optional.empty();
            if (headerCanon.isEmpty() || bodyCanon.isEmpty()) {
                return Optional.of("unknown c= canonicalization");
            }
            List<String> signed = new ArrayList<>();
            for (String name : t.get("h").orElseThrow().split(":", -1)) {
                String h = name.strip().toLowerCase(Locale.ROOT);
                if (h.equals(SEAL.toLowerCase(Locale.ROOT))) {
                    // RFC 8617 §4.1.2: an AMS never signs ARC-Seal fields.
                    return Optional.of("h= names ARC-Seal");
                }
                signed.add(h);
            }
            Optional<byte[]> bh = decode(t.base64("bh").orElseThrow());
            if (bh.isEmpty()) {
                return Optional.of("bh= is not base64");
            }
            if (!MessageDigest.isEqual(bh.get(), bodyHash(bodyCanon.get()))) {
                return Optional.of("body hash did not verify");
            }
            StringBuilder data = new StringBuilder();
            // RFC 6376 §5.4.2: a name listed k times takes the k last fields of that name, bottom up.
            boolean[] used = new boolean[fields.size()];
            for (String name : signed) {
                for (int f = fields.size() - 1; f >= 0; f--) {
                    if (!used[f] && fields.get(f).name().trim().equalsIgnoreCase(name)) {
                        used[f] = true;
                        data.append(ArcCanonicalization.header(headerCanon.get(), fields.get(f), true));
                        break;
                    }
                }
            }
            RawField self = sets.get(Kind.MESSAGE_SIGNATURE)[i];
            data.append(ArcCanonicalization.header(headerCanon.get(), self.name(),
                    ArcCanonicalization.withoutSignature(self.body()), false));
            return verifySignature(t, data);
        }

        /** RFC 8617 §4.1.3, §5.1.1: why the seal of instance {@code i} fails, or empty. */
        private Optional<String> verifySeal(int i) {
            keyUnavailable = false;
            ArcTags t = tags.get(Kind.SEAL)[i];
            Optional<String> missing = missingTags(t, "a", "b", "d", "s");
            if (missing.isPresent()) {
                return missing;
            }
            if (!t.lower("a").orElseThrow().equals(RSA_SHA256)) {
                return Optional.of("a= is not rsa-sha256");
            }
            if (t.has("h")) {
                // RFC 8617 §4.1.3: the signed fields of a seal are fixed; an h= tag is an error.
                return Optional.of("h= not allowed in ARC-Seal");
            }
            // RFC 8617 §5.1.1: the sets 1..i in instance order, each AAR, AMS, AS; relaxed (§4.1.3); the seal being
            // verified last, with b= empty and without its CRLF.
            StringBuilder data = new StringBuilder();
            for (int j = 1; j <= i; j++) {
                data.append(ArcCanonicalization.header(Algorithm.RELAXED, sets.get(Kind.AUTH_RESULTS)[j], true));
                data.append(ArcCanonicalization.header(Algorithm.RELAXED, sets.get(Kind.MESSAGE_SIGNATURE)[j], true));
                RawField seal = sets.get(Kind.SEAL)[j];
                if (j < i) {
                    data.append(ArcCanonicalization.header(Algorithm.RELAXED, seal, true));
                } else {
                    data.append(ArcCanonicalization.header(Algorithm.RELAXED, seal.name(),
                            ArcCanonicalization.withoutSignature(seal.body()), false));
                }
            }
            return verifySignature(t, data);
        }

        private static Optional<String> missingTags(ArcTags t, String... names) {
            for (String name : names) {
                if (t.get(name).filter(v -> !v.isEmpty()).isEmpty()) {
                    return Optional.of("no " + name + "= tag");
                }
            }
            return Optional.empty();
        }

        /** RSA-SHA256 of {@code data} against the {@code b=} of {@code t} with the key of its s= and d=. */
        private Optional<String> verifySignature(ArcTags t, CharSequence data) {
            Optional<byte[]> b = decode(t.base64("b").orElseThrow());
            if (b.isEmpty()) {
                return Optional.of("b= is not base64");
            }
            ArcKeys.Lookup key = keys.key(t.get("s").orElseThrow(), t.get("d").orElseThrow());
            if (key instanceof ArcKeys.Missing missing) {
                return Optional.of(missing.reason());
            }
            if (key instanceof ArcKeys.Unavailable unavailable) {
                keyUnavailable = true;
                return Optional.of(unavailable.reason());
            }
            try {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(((ArcKeys.Found) key).key());
                rsa.update(data.toString().getBytes(StandardCharsets.UTF_8));
                return rsa.verify(b.get()) ? Optional.empty() : Optional.of("signature did not verify");
            } catch (GeneralSecurityException e) {
                return Optional.of("signature did not verify");
            }
        }

        private byte[] bodyHash(Algorithm algorithm) {
            if (body == null) {
                body = ArcCanonicalization.crlfBody(message, header.byteLength());
            }
            return bodyHashes.computeIfAbsent(algorithm, a -> ArcCanonicalization.bodyHash(a, body));
        }

        private static Optional<byte[]> decode(String base64) {
            try {
                return Optional.of(Base64.getDecoder().decode(base64));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
