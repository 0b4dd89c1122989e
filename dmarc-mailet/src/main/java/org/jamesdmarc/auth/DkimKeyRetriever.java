package org.jamesdmarc.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.TxtAnswer;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.ParallelLookups;

/**
 * jDKIM's key lookup ({@link PublicKeyRecordRetriever}) answered by our {@link DnsClient}'s TXT lookups. One instance
 * serves one message: answers are remembered so the same key is not queried twice for one message, and
 * {@link #prefetch} looks up the keys of several signatures in parallel before jDKIM asks for them one by one.
 */
public final class DkimKeyRetriever implements PublicKeyRecordRetriever {

    /** RFC 6376 §3.5 q=: "dns/txt" is the only defined query method. */
    private static final String DNS_TXT = "dns/txt";

    private final DnsClient dns;
    private final Map<String, TxtAnswer> answers = new HashMap<>();

    DkimKeyRetriever(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOption, CharSequence selector, CharSequence token)
            throws TempFailException, PermFailException {
        if (methodAndOption == null || !DNS_TXT.equalsIgnoreCase(methodAndOption.toString().strip())) {
            // RFC 6376 §6.1.2: an unsupported query method -> PERMFAIL.
            throw new PermFailException("unsupported key query method");
        }
        Optional<String> name = keyRecordName(selector, token);
        if (name.isEmpty()) {
            throw new PermFailException("no key for signature"); // nothing DNS could hold
        }
        TxtAnswer answer = answers.computeIfAbsent(name.get(), this::lookup);
        if (answer.status() == DnsStatus.TEMPFAIL) {
            // RFC 6376 §6.1.2 step 2: the key server did not answer -> TEMPFAIL (key unavailable).
            throw new TempFailException("key unavailable: " + answer.detail());
        }
        if (answer.status() != DnsStatus.FOUND || answer.texts().isEmpty()) {
            // RFC 6376 §6.1.2 step 3: the key record does not exist -> PERMFAIL (no key for signature);
            // jDKIM says so for a null list.
            return null;
        }
        return answer.texts();
    }

    /**
     * Looks up the key records of {@code signatures} at once, in parallel ({@link ParallelLookups}): their
     * verification, one after the other, then finds them here. Names that are not host names are left to
     * {@link #getRecords}.
     */
    void prefetch(List<DkimSignatureScreen.Usable> signatures) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (DkimSignatureScreen.Usable sig : signatures) {
            if (sig.record().getRecordLookupMethods().stream()
                    .noneMatch(m -> m != null && DNS_TXT.equalsIgnoreCase(m.toString().strip()))) {
                continue; // getRecords will refuse the method without a query
            }
            keyRecordName(sig.record().getSelector(), sig.record().getDToken())
                    .filter(n -> !answers.containsKey(n))
                    .ifPresent(names::add);
        }
        List<String> todo = new ArrayList<>(names);
        List<TxtAnswer> found = ParallelLookups.map(todo, this::lookup);
        for (int i = 0; i < todo.size(); i++) {
            answers.put(todo.get(i), found.get(i));
        }
    }

    private TxtAnswer lookup(String name) {
        try {
            return dns.txt(name);
        } catch (RuntimeException e) {
            return new TxtAnswer(DnsStatus.TEMPFAIL, List.of(), "DNS lookup failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * {@code <selector>._domainkey.<d>} (RFC 6376 §3.6.2.1), lower-case A-labels; empty when not a host name. Public
     * for ARC ({@code auth.arc}), whose keys are DKIM keys (RFC 8617 §4.1.2, §4.1.3).
     */
    public static Optional<String> keyRecordName(CharSequence selector, CharSequence domain) {
        Optional<String> s = normalizeSelector(selector == null ? null : selector.toString());
        Optional<DomainName> d = DomainName.parse(domain == null ? null : domain.toString());
        if (s.isEmpty() || d.isEmpty()) {
            return Optional.empty();
        }
        // Every label is already within limits; only the whole query name can be too long.
        String name = s.get() + "._domainkey." + d.get().name();
        return name.length() <= DomainName.MAX_LENGTH ? Optional.of(name) : Optional.empty();
    }

    /**
     * RFC 6376 §3.1: selector = sub-domain *("." sub-domain). Underscores are accepted too, as DNS carries them and
     * some signers use them; anything else (spaces, quotes, NULs, empty labels) is rejected. Not a
     * {@link DomainName}: those are host names, without underscores.
     */
    static Optional<String> normalizeSelector(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.length() > 200) {
            return Optional.empty();
        }
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > DomainName.MAX_LABEL_LENGTH) {
                return Optional.empty();
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(s);
    }
}
