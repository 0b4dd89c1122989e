package org.jamesdmarc.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A parsed DMARC Policy Record (RFC 9989 §4.7), with the RFC 7489 tags {@code pct}, {@code rf} and
 * {@code ri} kept for legacy mode and reporting. Tags that were absent or whose value was invalid
 * (and so discarded, RFC 9989 §4.8) are empty; the accessors below apply the defaults.
 *
 * @param p       the {@code p} tag; RFC 9989 §4.7: absent means "treated as p=none"
 * @param sp      the {@code sp} tag
 * @param np      the {@code np} tag
 * @param psd     the {@code psd} tag (default {@code u})
 * @param testing {@code t=y} (default {@code n})
 * @param adkim   DKIM alignment mode (default relaxed)
 * @param aspf    SPF alignment mode (default relaxed)
 * @param rua     aggregate report destinations
 * @param ruf     failure report destinations
 * @param fo      failure reporting options as written ({@code 0}, {@code 1}, {@code d}, {@code s}); default {@code [0]}
 * @param pct     RFC 7489 {@code pct} (retired by RFC 9989), when present and valid
 * @param rf      RFC 7489 {@code rf} (retired), when present
 * @param ri      RFC 7489 {@code ri} (retired), when present and valid
 * @param tags    every recognised tag with its value as written (lower-case names, record order; first
 *                occurrence of each, kept even when its value was discarded as invalid)
 */
public record DmarcRecord(
        Optional<Policy> p,
        Optional<Policy> sp,
        Optional<Policy> np,
        PsdFlag psd,
        boolean testing,
        AlignmentMode adkim,
        AlignmentMode aspf,
        List<ReportUri> rua,
        List<ReportUri> ruf,
        List<String> fo,
        OptionalInt pct,
        List<String> rf,
        OptionalLong ri,
        Map<String, String> tags) {

    public DmarcRecord {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(sp, "sp");
        Objects.requireNonNull(np, "np");
        Objects.requireNonNull(psd, "psd");
        Objects.requireNonNull(adkim, "adkim");
        Objects.requireNonNull(aspf, "aspf");
        Objects.requireNonNull(pct, "pct");
        Objects.requireNonNull(ri, "ri");
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
        fo = List.copyOf(fo);
        rf = List.copyOf(rf);
        tags = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags));
    }

    /** RFC 9989 §4.7 {@code p}: absent or discarded means "none". */
    public Policy policy() {
        return p.orElse(Policy.NONE);
    }

    /** RFC 9989 §4.7 {@code sp}: absent means the {@code p} policy applies to existing subdomains. */
    public Policy subdomainPolicy() {
        return sp.orElse(policy());
    }

    /** RFC 9989 §4.7 {@code np}: absent means {@code sp}, then {@code p}, applies to non-existent subdomains. */
    public Policy nonExistentSubdomainPolicy() {
        return np.orElse(subdomainPolicy());
    }

    /** Canonical record text, {@code v=DMARC1; p=...; ...} (see {@link RecordWriter}). */
    public String toRecordString() {
        return RecordWriter.write(this);
    }
}
