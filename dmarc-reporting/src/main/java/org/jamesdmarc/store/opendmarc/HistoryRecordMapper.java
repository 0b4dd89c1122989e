package org.jamesdmarc.store.opendmarc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;

/**
 * Maps an OpenDMARC {@link HistoryEntry} to the {@link EvaluationRecord} our history keeps.
 *
 * <p><b>The key.</b> A history file has no Message-ID, so the {@link MessageKey} is derived from what identifies a
 * message there: the {@code reporter} (the OpenDMARC host) and the {@code job} id (the MTA's queue id), as
 * 128 bits of SHA-256 over {@code "opendmarc" NUL reporter NUL job}. Importing the same file again (or a file
 * overlapping an earlier one) therefore gives the same keys, and the store skips them. When the MTA gave no job
 * id ({@code (unknown-jobid)}) the time, client IP and From and MAIL FROM domains are hashed too, so such
 * entries stay apart.
 *
 * <p><b>The fields.</b> OpenDMARC 1.4 finds policies through a Public Suffix List ({@link DiscoveryMode#PSL});
 * the record's role is the Author Domain when {@code pdomain} is the From domain, otherwise the Organizational
 * Domain. {@code policy} gives the DMARC result (15 pass; 16, 17, 18 fail with p=reject, quarantine, none;
 * 14 no record) and the disposition; {@code action} what the MTA did. The file names no recipients (so
 * {@code envelopeTo} is empty), no {@code np}, {@code psd}, {@code t}, {@code fo} or {@code ruf}. A DKIM
 * signature counts as aligned when it passed, OpenDMARC's {@code align_dkim} says pass and its domain is the
 * From domain or one above or below it (the file does not say which signature aligned).
 */
public final class HistoryRecordMapper {

    private HistoryRecordMapper() {
    }

    /** The record of {@code entry}. */
    public static EvaluationRecord toRecord(HistoryEntry entry) {
        Optional<DomainName> headerFrom = DomainName.parse(entry.headerFrom());
        Optional<DomainName> envelopeFrom = DomainName.parse(entry.envelopeFrom());
        boolean found = entry.policy() != PolicyOutcome.ABSENT;
        Optional<DomainName> policyDomain = found ? DomainName.parse(entry.policyDomain()) : Optional.empty();
        Optional<PolicyDomainRole> role = policyDomain.map(d -> headerFrom.filter(d::equals).isPresent()
                ? PolicyDomainRole.AUTHOR_DOMAIN : PolicyDomainRole.ORGANIZATIONAL_DOMAIN);
        Optional<Policy> p = policy(entry.p());
        Optional<Policy> sp = policy(entry.sp());
        Optional<EvaluationRecord.PublishedPolicy> published = found
                ? Optional.of(new EvaluationRecord.PublishedPolicy(p, sp, Optional.empty(), PsdFlag.UNSPECIFIED, false,
                        alignment(entry.adkim()), alignment(entry.aspf()), List.of(), entry.rua(), List.of(),
                        OptionalInt.of(entry.pct())))
                : Optional.empty();
        Optional<AppliedPolicy> applied = Optional.empty();
        if (found && p.isPresent()) {
            boolean author = role.orElse(PolicyDomainRole.AUTHOR_DOMAIN) == PolicyDomainRole.AUTHOR_DOMAIN;
            // RFC 9989 §4.7: sp applies below the policy domain, defaulting to p.
            applied = Optional.of(author || sp.isEmpty() ? new AppliedPolicy(AppliedPolicyTag.P, p.get())
                    : new AppliedPolicy(AppliedPolicyTag.SP, sp.get()));
        }
        Disposition disposition = switch (entry.policy()) {
            case REJECT -> Disposition.REJECT;
            case QUARANTINE -> Disposition.QUARANTINE;
            default -> Disposition.NONE;
        };
        ActionTaken action = action(entry.action());
        List<PolicyOverride> overrides = disposition != Disposition.NONE && action == ActionTaken.DELIVERED
                ? List.of(PolicyOverride.LOCAL_POLICY) : List.of();
        SpfResult spfResult = spf(entry.spf());
        EvaluationRecord.Spf spf = new EvaluationRecord.Spf(envelopeFrom, SpfScope.MFROM, spfResult,
                entry.spfAlignment() == AlignmentOutcome.PASS ? AlignmentStatus.ALIGNED
                        : spfResult == SpfResult.PASS ? AlignmentStatus.NOT_ALIGNED : AlignmentStatus.NOT_CHECKED);
        List<EvaluationRecord.Dkim> dkim = entry.dkim().stream().map(s -> dkim(s, entry, headerFrom)).toList();
        return new EvaluationRecord(key(entry), entry.received(), entry.clientIp(), headerFrom, envelopeFrom,
                List.of(), policyDomain, DiscoveryMode.PSL, role, published, result(entry.policy()), applied,
                disposition, action, overrides, spf, dkim);
    }

    /** The idempotency key of {@code entry} (see the class comment). */
    public static MessageKey key(HistoryEntry entry) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        StringBuilder s = new StringBuilder("opendmarc\0").append(entry.reporter()).append('\0').append(entry.jobId());
        if (OpenDmarcHistoryReader.UNKNOWN_JOB_ID.equals(entry.jobId())) {
            s.append('\0').append(entry.received().getEpochSecond()).append('\0')
                    .append(entry.clientIp().getHostAddress()).append('\0').append(entry.headerFrom())
                    .append('\0').append(entry.envelopeFrom());
        }
        byte[] digest = sha.digest(s.toString().getBytes(StandardCharsets.UTF_8));
        return new MessageKey(HexFormat.of().formatHex(digest, 0, 16));
    }

    static DmarcResult result(PolicyOutcome outcome) {
        return switch (outcome) {
            case PASS -> DmarcResult.PASS;
            case REJECT, QUARANTINE, NONE -> DmarcResult.FAIL;
            case ABSENT -> DmarcResult.NONE;
        };
    }

    static ActionTaken action(MilterAction action) {
        return switch (action) {
            case ACCEPT -> ActionTaken.DELIVERED;
            // Refused with a 5xx or 4xx reply.
            case REJECT, TEMPFAIL -> ActionTaken.REJECTED_AT_SMTP;
            // Discarded: accepted but never delivered, the nearest of our actions is a quarantine.
            case QUARANTINE, DISCARD -> ActionTaken.QUARANTINED;
        };
    }

    private static Optional<Policy> policy(RequestedPolicy p) {
        return switch (p) {
            case NONE -> Optional.of(Policy.NONE);
            case QUARANTINE -> Optional.of(Policy.QUARANTINE);
            case REJECT -> Optional.of(Policy.REJECT);
            case UNSPECIFIED -> Optional.empty();
        };
    }

    private static org.jamesdmarc.policy.AlignmentMode alignment(AlignmentMode mode) {
        // RFC 9989 §4.7: relaxed by default.
        return mode == AlignmentMode.STRICT ? org.jamesdmarc.policy.AlignmentMode.STRICT
                : org.jamesdmarc.policy.AlignmentMode.RELAXED;
    }

    static SpfResult spf(AuthResultCode code) {
        return switch (code) {
            case PASS -> SpfResult.PASS;
            case FAIL -> SpfResult.FAIL;
            case SOFTFAIL -> SpfResult.SOFTFAIL;
            case NEUTRAL -> SpfResult.NEUTRAL;
            case TEMPERROR -> SpfResult.TEMPERROR;
            case PERMERROR -> SpfResult.PERMERROR;
            default -> SpfResult.NONE;
        };
    }

    static DkimResult dkimResult(AuthResultCode code) {
        return switch (code) {
            case PASS -> DkimResult.PASS;
            case FAIL -> DkimResult.FAIL;
            case POLICY -> DkimResult.POLICY;
            case NEUTRAL -> DkimResult.NEUTRAL;
            case TEMPERROR -> DkimResult.TEMPERROR;
            case PERMERROR -> DkimResult.PERMERROR;
            default -> DkimResult.NONE;
        };
    }

    private static EvaluationRecord.Dkim dkim(HistoryEntry.DkimSignature s, HistoryEntry entry,
                                              Optional<DomainName> headerFrom) {
        Optional<DomainName> domain = DomainName.parse(s.domain());
        DkimResult result = dkimResult(s.result());
        AlignmentStatus alignment;
        if (result != DkimResult.PASS) {
            alignment = AlignmentStatus.NOT_CHECKED;
        } else {
            boolean related = domain.isPresent() && headerFrom.isPresent()
                    && (domain.get().isAtOrBelow(headerFrom.get()) || headerFrom.get().isAtOrBelow(domain.get()));
            alignment = related && entry.dkimAlignment() == AlignmentOutcome.PASS ? AlignmentStatus.ALIGNED
                    : AlignmentStatus.NOT_ALIGNED;
        }
        return new EvaluationRecord.Dkim(domain, s.selector().orElse(""), result, alignment);
    }
}
