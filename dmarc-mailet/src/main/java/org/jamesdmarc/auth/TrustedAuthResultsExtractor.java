package org.jamesdmarc.auth;

import org.jamesdmarc.mail.AuthResParseResult;
import org.jamesdmarc.mail.AuthenticationResults;
import org.jamesdmarc.mail.AuthenticationResultsParser;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.MethodResult;
import org.jamesdmarc.mail.OwnAuthResultsRemover;
import org.jamesdmarc.mail.Property;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jamesdmarc.dns.DomainName;

/**
 * Takes SPF and DKIM results from Authentication-Results fields, but only from fields whose authserv-id
 * is in the configured trusted set (RFC 8601 §5 and §7.1; OpenDMARC's TrustedAuthservIDs), and only from
 * the topmost {@value #MAX_FIELDS} fields, at most {@value #MAX_DKIM_RESULTS} DKIM results (a message cannot
 * make the check read, align and report thousands of forged results). Every
 * identity must be a valid domain name ({@link DomainName#parse(String)}), so a value such as
 * {@code good.example(.evil.example} yields neither domain (CVE-2020-12272).
 * <p>
 * The caller must have removed fields carrying our own authserv-id that came from outside
 * ({@link OwnAuthResultsRemover}) before trusting our own id here.
 */
public final class TrustedAuthResultsExtractor {

    /**
     * Authentication-Results fields read per message, topmost first (a trusted relay adds its field on top); the
     * fields below are ignored ({@link IgnoredResult.Reason#LIMIT_REACHED}). Bounds the work a message full of
     * forged fields can cause, whatever set of fields the caller hands over.
     */
    public static final int MAX_FIELDS = 5;
    /** DKIM results taken per message, as many as {@link DkimVerifier} verifies itself; later ones are ignored. */
    public static final int MAX_DKIM_RESULTS = DkimVerifier.MAX_SIGNATURES;

    /** RFC 8601 §2.3 / IANA "Email Authentication Property Types" registry. */
    private static final Set<String> REGISTERED_PTYPES = Set.of("smtp", "header", "body", "policy");

    private final Set<String> trustedAuthservIds;

    /** @param trustedAuthservIds authserv-ids to trust, compared case-insensitively (RFC 8601 §2.5). */
    public TrustedAuthResultsExtractor(Collection<String> trustedAuthservIds) {
        this.trustedAuthservIds = trustedAuthservIds.stream()
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean isTrusted(String authservId) {
        return trustedAuthservIds.contains(authservId.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Reads the topmost {@value #MAX_FIELDS} Authentication-Results fields among {@code fields} (message order,
     * topmost first).
     */
    public TrustedAuthResults extract(List<HeaderField> fields) {
        List<AuthenticationResults> parsed = new ArrayList<>();
        List<IgnoredResult> ignored = new ArrayList<>();
        int read = 0;
        int unread = 0;
        for (HeaderField f : fields) {
            if (!f.hasName("Authentication-Results")) {
                continue;
            }
            if (read == MAX_FIELDS) {
                unread++;
                continue;
            }
            read++;
            AuthResParseResult r = AuthenticationResultsParser.parse(f.value());
            if (r instanceof AuthResParseResult.Parsed p) {
                parsed.add(p.results());
            } else if (r instanceof AuthResParseResult.Invalid m) {
                ignored.add(new IgnoredResult(AuthenticationResultsParser.authservId(f.value()), Optional.empty(),
                        IgnoredResult.Reason.MALFORMED_FIELD, m.error().message()));
            }
        }
        TrustedAuthResults fromParsed = extractParsed(parsed);
        ignored.addAll(fromParsed.ignored());
        if (unread > 0) {
            ignored.add(fieldsBeyondLimit(unread));
        }
        return new TrustedAuthResults(fromParsed.spf(), fromParsed.dkim(), ignored);
    }

    private static IgnoredResult fieldsBeyondLimit(int count) {
        return new IgnoredResult(Optional.empty(), Optional.empty(), IgnoredResult.Reason.LIMIT_REACHED,
                count + " more Authentication-Results field" + (count == 1 ? "" : "s") + " not read (only the topmost "
                        + MAX_FIELDS + " are)");
    }

    /** Same as {@link #extract} on already parsed fields (message order, at most {@value #MAX_FIELDS} read). */
    public TrustedAuthResults extractParsed(List<AuthenticationResults> fields) {
        Optional<SpfOutcome> spf = Optional.empty();
        List<DkimOutcome> dkim = new ArrayList<>();
        List<IgnoredResult> ignored = new ArrayList<>();
        if (fields.size() > MAX_FIELDS) {
            ignored.add(fieldsBeyondLimit(fields.size() - MAX_FIELDS));
            fields = fields.subList(0, MAX_FIELDS);
        }
        for (AuthenticationResults ar : fields) {
            Optional<String> id = Optional.of(ar.authservId());
            if (!isTrusted(ar.authservId())) {
                // RFC 8601 §7.1: results from an unknown authentication service are not to be believed.
                ignored.add(new IgnoredResult(id, Optional.empty(), IgnoredResult.Reason.UNTRUSTED_AUTHSERV_ID,
                        "authserv-id '" + ar.authservId() + "' is not trusted"));
                continue;
            }
            for (MethodResult mr : ar.results()) {
                if (mr.method().equals("spf")) {
                    Outcome<SpfOutcome> o = spfOutcome(mr);
                    if (o.value != null && spf.isPresent()) {
                        ignored.add(new IgnoredResult(id, Optional.of("spf"), IgnoredResult.Reason.SUPERSEDED,
                                "an spf result was already taken from a field above"));
                    } else if (o.value != null) {
                        spf = Optional.of(o.value);
                    } else {
                        ignored.add(new IgnoredResult(id, Optional.of("spf"), o.reason, o.detail));
                    }
                } else if (mr.method().equals("dkim")) {
                    Outcome<DkimOutcome> o = dkimOutcome(mr);
                    if (o.value != null && dkim.size() == MAX_DKIM_RESULTS) {
                        ignored.add(new IgnoredResult(id, Optional.of("dkim"), IgnoredResult.Reason.LIMIT_REACHED,
                                "more than " + MAX_DKIM_RESULTS + " dkim results"));
                    } else if (o.value != null) {
                        dkim.add(o.value);
                    } else {
                        ignored.add(new IgnoredResult(id, Optional.of("dkim"), o.reason, o.detail));
                    }
                }
            }
        }
        return new TrustedAuthResults(spf, dkim, ignored);
    }

    /** Either a value or why not; internal. */
    private record Outcome<T>(T value, IgnoredResult.Reason reason, String detail) {
        static <T> Outcome<T> of(T value) {
            return new Outcome<>(value, null, "");
        }

        static <T> Outcome<T> no(IgnoredResult.Reason reason, String detail) {
            return new Outcome<>(null, reason, detail);
        }
    }

    static Outcome<SpfOutcome> spfOutcome(MethodResult mr) {
        // RFC 8601 §2.7.2: spf results.
        Optional<SpfResult> result = SpfResult.fromKeyword(mr.result());
        if (result.isEmpty()) {
            return Outcome.no(IgnoredResult.Reason.UNKNOWN_RESULT, "spf=" + mr.result());
        }
        Outcome<Void> shape = checkShape(mr, List.of("mailfrom", "helo"));
        if (shape != null) {
            return Outcome.no(shape.reason, shape.detail);
        }
        Optional<Property> mailfrom = mr.single("smtp", "mailfrom");
        Optional<Property> helo = mr.single("smtp", "helo");
        // RFC 7208 §2.4 / RFC 9989: DMARC uses the MAIL FROM identity, or HELO when the reverse-path is null.
        if (mailfrom.isPresent() && !isNullPath(mailfrom.get().value())) {
            return domainOf(mailfrom.get()).map(d -> Outcome.of(new SpfOutcome(result.get(), d, SpfScope.MFROM)))
                    .orElseGet(() -> Outcome.no(IgnoredResult.Reason.INVALID_DOMAIN,
                            "smtp.mailfrom=" + mailfrom.get().value()));
        }
        if (helo.isPresent()) {
            return domainOf(helo.get()).map(d -> Outcome.of(new SpfOutcome(result.get(), d, SpfScope.HELO)))
                    .orElseGet(() -> Outcome.no(IgnoredResult.Reason.INVALID_DOMAIN, "smtp.helo=" + helo.get().value()));
        }
        if (result.get() == SpfResult.NONE) {
            return Outcome.of(SpfOutcome.none());
        }
        return Outcome.no(IgnoredResult.Reason.MISSING_IDENTITY, "spf result without smtp.mailfrom or smtp.helo");
    }

    static Outcome<DkimOutcome> dkimOutcome(MethodResult mr) {
        // RFC 8601 §2.7.1: dkim results.
        Optional<DkimResult> result = DkimResult.fromKeyword(mr.result());
        if (result.isEmpty()) {
            return Outcome.no(IgnoredResult.Reason.UNKNOWN_RESULT, "dkim=" + mr.result());
        }
        Outcome<Void> shape = checkShape(mr, List.of("d", "i", "s"));
        if (shape != null) {
            return Outcome.no(shape.reason, shape.detail);
        }
        Optional<Property> d = mr.single("header", "d");
        Optional<Property> i = mr.single("header", "i");
        // RFC 6376 §3.5: d= is the signing domain; i= (the AUID) is at or below it, so it is a fallback only.
        Optional<Property> identity = d.isPresent() ? d : i;
        if (identity.isEmpty()) {
            return Outcome.no(IgnoredResult.Reason.MISSING_IDENTITY, "dkim result without header.d or header.i");
        }
        Optional<DomainName> domain = domainOf(identity.get());
        if (domain.isEmpty()) {
            return Outcome.no(IgnoredResult.Reason.INVALID_DOMAIN,
                    "header." + identity.get().name() + "=" + identity.get().value());
        }
        String selector = mr.single("header", "s").map(Property::value).orElse("");
        return Outcome.of(new DkimOutcome(result.get(), domain.get(), selector, mr.reason().orElse("")));
    }

    /**
     * Structural defences shared by spf and dkim: identity properties must be unique, must not touch a
     * comment, and no unregistered ptype may appear (a smuggled "a.b=c" property is how an injected
     * identity hides the rest of an attacker's name, Chen et al. 2020).
     */
    private static Outcome<Void> checkShape(MethodResult mr, List<String> identityNames) {
        for (Property p : mr.properties()) {
            if (!REGISTERED_PTYPES.contains(p.ptype())) {
                return Outcome.no(IgnoredResult.Reason.UNREGISTERED_PTYPE, "ptype '" + p.ptype() + "'");
            }
        }
        String identityPtype = mr.method().equals("spf") ? "smtp" : "header";
        for (String name : identityNames) {
            List<Property> found = mr.properties(identityPtype, name);
            if (found.size() > 1) {
                return Outcome.no(IgnoredResult.Reason.DUPLICATE_PROPERTY, identityPtype + "." + name + " given twice");
            }
            if (found.size() == 1 && found.get(0).commentAttached()) {
                return Outcome.no(IgnoredResult.Reason.COMMENT_ATTACHED,
                        identityPtype + "." + name + "=" + found.get(0).value() + " touches a comment");
            }
        }
        return null;
    }

    private static boolean isNullPath(String v) {
        String s = v.strip();
        return s.isEmpty() || s.equals("<>");
    }

    /**
     * The domain of an identity value: a bare domain, or the part after the last '@' of an address
     * (RFC 8601 §2.2 pvalue allows {@code [local-part] "@" domain}); angle brackets are tolerated.
     */
    static Optional<DomainName> domainOf(Property p) {
        String v = p.value().strip();
        if (v.startsWith("<") && v.endsWith(">") && v.length() >= 2) {
            v = v.substring(1, v.length() - 1);
        }
        int at = v.lastIndexOf('@');
        String domain = at >= 0 ? v.substring(at + 1) : v;
        return DomainName.parse(domain);
    }
}
