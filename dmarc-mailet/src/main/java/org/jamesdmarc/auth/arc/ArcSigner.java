package org.jamesdmarc.auth.arc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.arc.ArcCanonicalization.Algorithm;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.mail.HeaderSection.RawField;

/**
 * Adds the next ARC set to a message (RFC 8617 §5.1): the ARC-Authentication-Results recording the results given,
 * the ARC-Message-Signature over the fields named and the body, and the ARC-Seal over the chain, rsa-sha256
 * with an RSA key of at least 1024 bits. Thread-safe.
 */
public final class ArcSigner {

    /** Signed by default when present (RFC 6376 §5.4.1's recommendation, less the fields lists rewrite rarely matter). */
    public static final List<String> DEFAULT_SIGNED_FIELDS = List.of("from", "to", "cc", "subject", "date",
            "message-id", "reply-to", "in-reply-to", "references", "mime-version", "content-type",
            "content-transfer-encoding", "list-id", "list-post", "dkim-signature");

    private final DomainName domain;
    private final String selector;
    private final PrivateKey key;
    private final Algorithm headerCanon;
    private final Algorithm bodyCanon;
    private final List<String> signedFields;

    /**
     * @param canonicalization the AMS's {@code c=}, e.g. {@code relaxed/relaxed} (the seal is always relaxed, §4.1.3)
     * @param signedFields     field names for the AMS's {@code h=}, each signed as often as it occurs; never ARC-Seal
     */
    public ArcSigner(DomainName domain, String selector, PrivateKey key, String canonicalization,
            List<String> signedFields) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.key = Objects.requireNonNull(key, "key");
        if (!"RSA".equals(key.getAlgorithm()) || !(key instanceof RSAKey rsa)
                || rsa.getModulus().bitLength() < ArcKeys.MIN_RSA_BITS) {
            throw new IllegalArgumentException("an RSA private key of at least " + ArcKeys.MIN_RSA_BITS
                    + " bits is required (RFC 8301 §3.2)");
        }
        if (DkimSelector.invalid(selector)) {
            throw new IllegalArgumentException("not a selector: " + selector);
        }
        String[] c = canonicalization.toLowerCase(Locale.ROOT).split("/", -1);
        this.headerCanon = Algorithm.of(c[0]).orElseThrow(() -> new IllegalArgumentException("c=" + canonicalization));
        this.bodyCanon = c.length == 1 ? Algorithm.SIMPLE : Algorithm.of(c[1])
                .filter(x -> c.length == 2).orElseThrow(() -> new IllegalArgumentException("c=" + canonicalization));
        List<String> names = new ArrayList<>();
        for (String name : signedFields) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            if (n.equals(ArcVerifier.SEAL.toLowerCase(Locale.ROOT)) || n.isEmpty() || n.contains(":")) {
                throw new IllegalArgumentException("cannot sign field " + name + " (RFC 8617 §4.1.2)");
            }
            names.add(n);
        }
        if (!names.contains("from")) {
            throw new IllegalArgumentException("From must be signed (RFC 6376 §5.4)");
        }
        this.signedFields = List.copyOf(names);
    }

    /** Why a message was not sealed. */
    public enum Refusal {
        /** RFC 8617 §5.1.2: the chain already holds 50 sets. */
        CHAIN_FULL,
        /** The structure of the chain there is broken (RFC 8617 §5.2 step 3): its instances cannot be continued. */
        CHAIN_BROKEN,
        /** The chain's status is {@link ArcResult#TEMPERROR}: unknown for now, so no {@code cv=} can be written. */
        CHAIN_UNVERIFIED
    }

    /** The three fields of a new set, in the order to prepend them (ARC-Seal topmost), or why there are none. */
    public sealed interface Sealing permits Sealed, Refused {
    }

    public record Sealed(int instance, List<HeaderField> fields) implements Sealing {
        public Sealed {
            fields = List.copyOf(fields);
        }
    }

    public record Refused(Refusal refusal) implements Sealing {
    }

    /**
     * Seals {@code message} (raw, CRLF or LF line ends), whose chain validated as {@code chain} (our
     * {@link ArcVerifier}'s outcome for it), recording {@code authResults} (an RFC 8601 authres-payload: our
     * authserv-id, then our results, e.g. {@code mx.example.org; spf=pass smtp.mailfrom=...; arc=pass}) in the AAR.
     *
     * @param timestamp seconds since the epoch for {@code t=}
     */
    public Sealing seal(byte[] message, ArcOutcome chain, String authResults, long timestamp) {
        Objects.requireNonNull(chain, "chain");
        return seal(message, chain.result(), authResults, timestamp);
    }

    /**
     * As {@link #seal(byte[], ArcOutcome, String, long)} with only the chain's status as validated on arrival (e.g.
     * the {@code arc=} of our own Authentication-Results, written before a list rewrote the message); the sets
     * already there are read from {@code message}.
     */
    public Sealing seal(byte[] message, ArcResult chainStatus, String authResults, long timestamp) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(chainStatus, "chainStatus");
        Objects.requireNonNull(authResults, "authResults");
        if (chainStatus == ArcResult.TEMPERROR) {
            // RFC 8617 §4.4 knows no temporary status: sealing cv=fail would break the chain for good for every later
            // hop over a DNS hiccup here, so no set is added and the next hop validates the chain itself.
            return new Refused(Refusal.CHAIN_UNVERIFIED);
        }
        HeaderSection header = HeaderSection.parse(message);
        Optional<Integer> sets = ArcVerifier.completeSets(header);
        if (sets.isEmpty()) {
            return new Refused(Refusal.CHAIN_BROKEN);
        }
        int previous = sets.get();
        if (previous >= ArcVerifier.MAX_INSTANCES) {
            return new Refused(Refusal.CHAIN_FULL);
        }
        int instance = previous + 1;
        // RFC 8617 §4.4, §5.1.1: cv=none for the first set, else the chain's status (none after sets is not one).
        ArcResult status = instance == 1 ? ArcResult.NONE : chainStatus == ArcResult.PASS ? ArcResult.PASS : ArcResult.FAIL;
        String cv = status.keyword();

        String aarBody = " i=" + instance + "; " + authResults.strip();
        RawField aar = new RawField(ArcVerifier.AUTH_RESULTS, aarBody, 0, 1, true);

        // The AMS (RFC 8617 §4.1.2): a DKIM signature with i= and without v=.
        byte[] body = ArcCanonicalization.crlfBody(message, header.byteLength());
        String bh = Base64.getEncoder().encodeToString(ArcCanonicalization.bodyHash(bodyCanon, body));
        List<String> h = new ArrayList<>();
        List<RawField> fields = header.rawFields();
        for (String name : signedFields) {
            long occurrences = fields.stream().filter(f -> f.name().trim().equalsIgnoreCase(name)).count();
            for (long k = 0; k < occurrences; k++) {
                h.add(name);
            }
        }
        String amsBody = " i=" + instance + "; a=rsa-sha256; c=" + canonName(headerCanon) + "/" + canonName(bodyCanon)
                + "; d=" + domain.name() + "; s=" + selector + ";\r\n\tt=" + timestamp + "; h=" + String.join(":", h)
                + ";\r\n\tbh=" + bh + ";\r\n\tb=";
        StringBuilder amsData = new StringBuilder();
        boolean[] used = new boolean[fields.size()];
        for (String name : h) {
            for (int f = fields.size() - 1; f >= 0; f--) {
                if (!used[f] && fields.get(f).name().trim().equalsIgnoreCase(name)) {
                    used[f] = true;
                    amsData.append(ArcCanonicalization.header(headerCanon, fields.get(f), true));
                    break;
                }
            }
        }
        amsData.append(ArcCanonicalization.header(headerCanon, ArcVerifier.MESSAGE_SIGNATURE, amsBody, false));
        RawField ams = new RawField(ArcVerifier.MESSAGE_SIGNATURE, amsBody + sign(amsData), 0, 1, true);

        // The seal (RFC 8617 §4.1.3, §5.1.1): relaxed, sets 1..i; after a failed chain only the new set.
        String asBody = " i=" + instance + "; a=rsa-sha256; t=" + timestamp + "; cv=" + cv + ";\r\n\td=" + domain.name()
                + "; s=" + selector + ";\r\n\tb=";
        StringBuilder asData = new StringBuilder();
        if (status == ArcResult.PASS) {
            for (int j = 1; j < instance; j++) {
                for (String kind : List.of(ArcVerifier.AUTH_RESULTS, ArcVerifier.MESSAGE_SIGNATURE, ArcVerifier.SEAL)) {
                    asData.append(ArcCanonicalization.header(Algorithm.RELAXED, fieldOf(fields, kind, j), true));
                }
            }
        }
        asData.append(ArcCanonicalization.header(Algorithm.RELAXED, aar, true));
        asData.append(ArcCanonicalization.header(Algorithm.RELAXED, ams, true));
        asData.append(ArcCanonicalization.header(Algorithm.RELAXED, ArcVerifier.SEAL, asBody, false));
        String seal = asBody + sign(asData);
        return new Sealed(instance, List.of(new HeaderField(ArcVerifier.SEAL, seal),
                new HeaderField(ArcVerifier.MESSAGE_SIGNATURE, ams.body()),
                new HeaderField(ArcVerifier.AUTH_RESULTS, aarBody)));
    }

    /** The field of {@code kind} with instance {@code i} (the chain passed, so there is exactly one). */
    private static RawField fieldOf(List<RawField> fields, String kind, int i) {
        for (RawField f : fields) {
            if (f.name().trim().equalsIgnoreCase(kind) && instanceOf(f).filter(x -> x == i).isPresent()) {
                return f;
            }
        }
        throw new IllegalStateException(kind + " i=" + i + " missing from a chain that passed");
    }

    private static Optional<Integer> instanceOf(RawField f) {
        if (f.name().trim().equalsIgnoreCase(ArcVerifier.AUTH_RESULTS)) {
            String v = f.unfoldedValue();
            int semi = v.indexOf(';');
            String first = (semi < 0 ? v : v.substring(0, semi)).strip();
            return first.startsWith("i=") ? ArcTags.instance(first.substring(2).strip()) : Optional.empty();
        }
        return ArcTags.parse(f.body()).flatMap(t -> t.get("i")).flatMap(ArcTags::instance);
    }

    private static String canonName(Algorithm a) {
        return a.name().toLowerCase(Locale.ROOT);
    }

    /** RFC 6376 §3.5 b=: base64 of the RSA-SHA256 signature, folded to keep lines short. */
    private String sign(CharSequence data) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(data.toString().getBytes(StandardCharsets.UTF_8));
            String b64 = Base64.getEncoder().encodeToString(rsa.sign());
            StringBuilder folded = new StringBuilder();
            for (int i = 0; i < b64.length(); i += 72) {
                if (i > 0) {
                    folded.append("\r\n\t ");
                }
                folded.append(b64, i, Math.min(b64.length(), i + 72));
            }
            return folded.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA signing failed", e);
        }
    }

    /** RFC 6376 §3.1 selector syntax, as our DKIM key lookup accepts it. */
    private static final class DkimSelector {
        static boolean invalid(String selector) {
            return org.jamesdmarc.auth.DkimKeyRetriever.keyRecordName(selector, "example.org").isEmpty();
        }
    }
}
