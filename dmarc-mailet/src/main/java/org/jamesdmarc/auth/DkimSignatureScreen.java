package org.jamesdmarc.auth;

import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.jamesdmarc.dns.DomainName;

/**
 * Checks one DKIM-Signature's tags before any DNS query or cryptography, so every way a signature can be unusable
 * gets its own result and reason (jDKIM reports nearly everything as one kind of PERMFAIL), and hostile values
 * (huge numbers, odd names, garbage base64) never reach jDKIM code that would throw on them.
 */
final class DkimSignatureScreen {

    /** What screening concluded: usable for verification, or already decided. */
    sealed interface Screened permits Usable, Rejected {
    }

    /** Passed every check; {@code selector} normalised. */
    record Usable(SignatureRecordImpl record, DomainName domain, String selector, Optional<String> identity)
            implements Screened {
    }

    record Rejected(DkimOutcome outcome) implements Screened {
    }

    /**
     * d=, s= and i= read leniently, for reporting: the domain when it is one, the normalised selector or "", the
     * identity when usable ({@link DkimOutcome#usableIdentity}).
     */
    record Ids(Optional<DomainName> domain, String selector, Optional<String> identity) {
        Ids(Optional<DomainName> domain, String selector) {
            this(domain, selector, Optional.empty());
        }
    }

    /** RFC 6376 §3.5 l=, t=, x=: 1*76DIGIT; we accept values that fit our arithmetic. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    private static final int MAX_REASON = 120;

    /**
     * Local limit on h= entries: jDKIM re-serialises the header for each entry, so a list of thousands costs
     * seconds per signature. Real signers list well under 50 (even with over-signing).
     */
    static final int MAX_SIGNED_FIELDS = 100;

    private DkimSignatureScreen() {
    }

    static Screened screen(String value, long nowEpochSeconds) {
        return screen(value, lenientIds(value), nowEpochSeconds);
    }

    /** As {@link #screen(String, long)}, with {@code ids} already read from {@code value} by {@link #lenientIds}. */
    static Screened screen(String value, Ids ids, long nowEpochSeconds) {
        Optional<DomainName> d = ids.domain();
        String s = ids.selector();
        Optional<String> i = ids.identity();
        TagReader tags;
        try {
            tags = new TagReader(value);
        } catch (RuntimeException e) {
            // RFC 6376 §6.1.1: a signature that does not parse -> PERMFAIL (signature syntax error).
            return reject(DkimResult.PERMERROR, d, s, i, reason("malformed signature", e.getMessage()));
        }
        // RFC 6376 §3.5 x=: past the expiry the signature MAY be considered invalid -> PERMFAIL (signature expired).
        String x = tags.tag("x");
        String t = tags.tag("t");
        if (x != null && !DIGITS.matcher(x).matches()) {
            return reject(DkimResult.PERMERROR, d, s, i, "malformed x= tag");
        }
        if (t != null && !DIGITS.matcher(t).matches()) {
            return reject(DkimResult.PERMERROR, d, s, i, "malformed t= tag");
        }
        if (x != null && t != null && Long.parseLong(x) < Long.parseLong(t)) {
            return reject(DkimResult.PERMERROR, d, s, i, "x= is before t="); // RFC 6376 §3.5: x MUST be greater than t
        }
        if (x != null && Long.parseLong(x) < nowEpochSeconds) {
            return reject(DkimResult.PERMERROR, d, s, i, "signature expired");
        }
        if (t != null && Long.parseLong(t) > nowEpochSeconds) {
            // jDKIM 0.3 refuses any signature dated in the future (RFC 6376 §3.5 lets verifiers do so).
            return reject(DkimResult.PERMERROR, d, s, i, "signature timestamp in the future");
        }
        try {
            // RFC 6376 §6.1.1: v=1, required tags, i= within d=, From signed.
            tags.validate();
        } catch (RuntimeException e) {
            return reject(DkimResult.PERMERROR, d, s, i, reason("malformed signature", e.getMessage()));
        }
        if (tags.getHeaders().size() > MAX_SIGNED_FIELDS) {
            // RFC 8601 §2.7.1 "policy": acceptable to the spec, not to this verifier.
            return reject(DkimResult.POLICY, d, s, i, "more than " + MAX_SIGNED_FIELDS + " signed header fields");
        }
        if (d.isEmpty()) {
            return reject(DkimResult.PERMERROR, d, s, i, "d= is not a domain name");
        }
        if (s.isEmpty()) {
            return reject(DkimResult.PERMERROR, d, s, i, "s= is not a selector");
        }
        String algorithm = tags.tag("a").strip().toLowerCase(Locale.ROOT);
        if (algorithm.equals("rsa-sha1")) {
            // RFC 8301 §3.1: rsa-sha1 MUST NOT be used for verifying -> not acceptable to this verifier.
            return reject(DkimResult.POLICY, d, s, i, "rsa-sha1 not accepted (RFC 8301)");
        }
        if (!algorithm.equals("rsa-sha256")) {
            // RFC 6376 §6.1.1: unknown algorithm -> PERMFAIL; jDKIM 0.3 verifies RSA only (no ed25519, RFC 8463).
            return reject(DkimResult.PERMERROR, d, s, i, reason("unsupported algorithm", algorithm));
        }
        String c = tags.tag("c").strip();
        int slash = c.indexOf('/');
        String headerCanon = slash < 0 ? c : c.substring(0, slash);
        String bodyCanon = slash < 0 ? "simple" : c.substring(slash + 1);
        if (!isCanonicalization(headerCanon) || !isCanonicalization(bodyCanon)) {
            // RFC 6376 §3.5 c=: unknown canonicalization -> PERMFAIL.
            return reject(DkimResult.PERMERROR, d, s, i, reason("unsupported canonicalization", c));
        }
        String l = tags.getTags().contains("l") ? tags.tag("l") : null;
        if (l != null && !(DIGITS.matcher(l).matches() && Long.parseLong(l) <= Integer.MAX_VALUE)) {
            // RFC 6376 §3.5 l=: decimal; jDKIM counts it in an int, so a larger value cannot be verified.
            return reject(DkimResult.PERMERROR, d, s, i, "unsupported l= value");
        }
        String b = tags.tag("b");
        String bh = tags.tag("bh");
        if (b.isBlank() || !isBase64String(b)) {
            return reject(DkimResult.PERMERROR, d, s, i, "b= is not base64");
        }
        if (bh.isBlank() || !isBase64String(bh)) {
            return reject(DkimResult.PERMERROR, d, s, i, "bh= is not base64");
        }
        return new Usable(tags, d.get(), s, i);
    }

    /**
     * RFC 6376 §2.4 base64string: base64 characters with folding whitespace, at most two {@code =} of padding, then
     * whitespace only; i.e. the regular expression {@code [A-Za-z0-9+/\s]*={0,2}\s*} ({@code \s} as in
     * {@link java.util.regex.Pattern}), checked in one pass: that regex cost 2 % of a warm check (a 344-character
     * {@code b=} per signature).
     */
    static boolean isBase64String(String value) {
        int i = 0;
        int n = value.length();
        while (i < n && (isBase64Char(value.charAt(i)) || isRegexSpace(value.charAt(i)))) {
            i++;
        }
        for (int pad = 0; pad < 2 && i < n && value.charAt(i) == '='; pad++) {
            i++;
        }
        while (i < n && isRegexSpace(value.charAt(i))) {
            i++;
        }
        return i == n;
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** {@code \s} of {@link java.util.regex.Pattern}: space, tab, LF, VT, FF, CR. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean isCanonicalization(String c) {
        // jDKIM compares case-sensitively; RFC 6376 §3.4 names are "simple" and "relaxed".
        return c.equals("simple") || c.equals("relaxed");
    }

    private static Rejected reject(DkimResult result, Optional<DomainName> d, String s, Optional<String> i,
                                   String reason) {
        return new Rejected(new DkimOutcome(result, d, s, reason, i));
    }

    /**
     * d= and s= for reporting, read without jDKIM so even an unparseable signature is attributed:
     * normalised, or empty when absent or not a valid name.
     */
    static Ids lenientIds(String value) {
        Optional<DomainName> d = Optional.empty();
        String s = "";
        Optional<String> i = Optional.empty();
        boolean iSeen = false;
        if (value != null) {
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String tag = part.substring(0, eq).strip();
                String v = part.substring(eq + 1).strip();
                if (tag.equals("d") && d.isEmpty()) {
                    d = DomainName.parse(v);
                } else if (tag.equals("s") && s.isEmpty()) {
                    s = DkimKeyRetriever.normalizeSelector(v).orElse("");
                } else if (tag.equals("i") && !iSeen) {
                    iSeen = true;
                    // RFC 6376 §3.5 i=: folding white space may appear inside the value; it is not part of it.
                    i = DkimOutcome.usableIdentity(v.replaceAll("[ \\t\\r\\n]", ""));
                }
            }
        }
        return new Ids(d, s, i);
    }

    /** A short printable reason: {@code prefix: detail}, ASCII only, bounded. */
    static String reason(String prefix, String detail) {
        String text = detail == null || detail.isBlank() ? prefix : prefix + ": " + detail;
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_REASON));
        for (int i = 0; i < text.length() && sb.length() < MAX_REASON; i++) {
            char ch = text.charAt(i);
            sb.append(ch >= 0x20 && ch < 0x7f ? ch : ' ');
        }
        return sb.toString().strip();
    }

    /**
     * A base64string (RFC 6376 §2.4) decoded to the same octets as jDKIM 0.3's own base64 codec gives, with the
     * JDK's decoder: whitespace (SP, HTAB, CR, LF) dropped, at most two trailing {@code =} ignored, a last partial
     * group of 2 or 3 characters giving 1 or 2 octets. Null for anything else (another character, {@code =} not at
     * the end, a lone last character), which the caller leaves to jDKIM.
     */
    static byte[] decodeBase64(CharSequence value) {
        if (value == null) {
            return null;
        }
        int n = value.length();
        byte[] alphabet = new byte[n];
        int count = 0;
        int padding = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (c == '=') {
                padding++;
                continue;
            }
            boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            if (!base64 || padding > 0) {
                return null;
            }
            alphabet[count++] = (byte) c;
        }
        if (padding > 2 || count % 4 == 1) {
            return null;
        }
        return Base64.getDecoder().decode(count == n ? alphabet : Arrays.copyOf(alphabet, count));
    }

    /** jDKIM's signature record with read access to raw tag values. */
    static final class TagReader extends SignatureRecordImpl {

        private List<CharSequence> headers;

        TagReader(String data) {
            super(data);
        }

        /** The tag's value (or jDKIM's default for c, l, q, i), null when absent. */
        String tag(String name) {
            CharSequence v = getValue(name);
            return v == null ? null : v.toString();
        }

        /**
         * RFC 6376 §3.5 h=, as jDKIM reads it, read once: the screen, jDKIM's validate() and its header hash each
         * ask for it. Unmodifiable (jDKIM only reads it); a failure is not kept and recurs on every call.
         */
        @Override
        public List<CharSequence> getHeaders() {
            List<CharSequence> h = headers;
            if (h == null) {
                h = Collections.unmodifiableList(super.getHeaders());
                headers = h;
            }
            return h;
        }

        /** RFC 6376 §3.5 b=, decoded as jDKIM decodes it ({@link #decodeBase64}). */
        @Override
        public byte[] getSignature() {
            byte[] decoded = decodeBase64(getValue("b"));
            return decoded != null ? decoded : super.getSignature();
        }

        /** RFC 6376 §3.5 bh=, decoded as jDKIM decodes it ({@link #decodeBase64}). */
        @Override
        public byte[] getBodyHash() {
            byte[] decoded = decodeBase64(getValue("bh"));
            return decoded != null ? decoded : super.getBodyHash();
        }
    }
}
