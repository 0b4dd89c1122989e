package org.jamesdmarc.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
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

/** Varied {@link EvaluationRecord}s for the store tests: every optional part present in some, absent in others. */
public final class Records {

    public static final Instant T0 = Instant.parse("2026-12-01T08:00:00.250Z");

    private Records() {
    }

    public static MessageKey key(int n) {
        return new MessageKey(String.format("%032x", n));
    }

    /** Record {@code n}: at {@link #T0} plus n minutes, policy domain example{n % 3}.com. */
    public static EvaluationRecord record(int n) {
        DomainName policyDomain = DomainName.of("example" + (n % 3) + ".com");
        boolean withRecord = n % 4 != 3;
        List<EvaluationRecord.Dkim> dkim = new ArrayList<>();
        for (int i = 0; i < n % 3; i++) {
            dkim.add(new EvaluationRecord.Dkim(i == 1 ? Optional.empty() : Optional.of(policyDomain), "sel" + i,
                    i == 0 ? DkimResult.PASS : DkimResult.FAIL, i == 0 ? AlignmentStatus.ALIGNED : AlignmentStatus.NOT_CHECKED));
        }
        return new EvaluationRecord(
                key(n),
                T0.plusSeconds(60L * n),
                address(n % 2 == 0 ? "192.0.2." + (n % 250 + 1) : "2001:db8::" + Integer.toHexString((n + 1) >>> 16) + ":" + Integer.toHexString((n + 1) & 0xffff)),
                Optional.of(DomainName.of("mail." + policyDomain.name())),
                n % 5 == 4 ? Optional.empty() : Optional.of(DomainName.of("bounce.example.net")),
                n % 2 == 0 ? List.of(DomainName.of("rcpt.example.org")) : List.of(DomainName.of("a.example.org"), DomainName.of("b.example.org")),
                withRecord ? Optional.of(policyDomain) : Optional.empty(),
                n % 2 == 0 ? DiscoveryMode.TREEWALK : DiscoveryMode.PSL,
                withRecord ? Optional.of(PolicyDomainRole.ORGANIZATIONAL_DOMAIN) : Optional.empty(),
                withRecord ? Optional.of(new EvaluationRecord.PublishedPolicy(Optional.of(Policy.REJECT),
                        n % 2 == 0 ? Optional.of(Policy.QUARANTINE) : Optional.empty(), Optional.empty(), PsdFlag.UNSPECIFIED,
                        n % 2 == 1, AlignmentMode.STRICT, AlignmentMode.RELAXED, List.of("1", "d"),
                        List.of("mailto:rua@" + policyDomain.name(), "https://reports.example.net/x"), List.of(),
                        n % 2 == 0 ? OptionalInt.of(50) : OptionalInt.empty())) : Optional.empty(),
                withRecord ? DmarcResult.FAIL : DmarcResult.NONE,
                withRecord ? Optional.of(new AppliedPolicy(AppliedPolicyTag.SP, Policy.QUARANTINE)) : Optional.empty(),
                withRecord ? Disposition.QUARANTINE : Disposition.NONE,
                ActionTaken.values()[n % ActionTaken.values().length],
                n % 2 == 1 && withRecord ? List.of(PolicyOverride.POLICY_TEST_MODE, PolicyOverride.SAMPLED_OUT) : List.of(),
                new EvaluationRecord.Spf(n % 5 == 4 ? Optional.empty() : Optional.of(DomainName.of("bounce.example.net")),
                        n % 5 == 4 ? SpfScope.HELO : SpfScope.MFROM, SpfResult.values()[n % SpfResult.values().length],
                        AlignmentStatus.NOT_ALIGNED),
                dkim);
    }

    /** {@code r} evaluated at {@code time} instead. */
    public static EvaluationRecord at(EvaluationRecord r, Instant time) {
        return new EvaluationRecord(r.key(), time, r.sourceIp(), r.headerFrom(), r.envelopeFrom(), r.envelopeTo(),
                r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), r.result(), r.appliedPolicy(),
                r.disposition(), r.action(), r.overrides(), r.spf(), r.dkim());
    }

    public static List<EvaluationRecord> records(int from, int to) {
        List<EvaluationRecord> list = new ArrayList<>();
        for (int n = from; n < to; n++) {
            list.add(record(n));
        }
        return list;
    }

    /**
     * Records {@code from} (inclusive) to {@code to} (exclusive), record n evaluated at {@code time(n)} and decided by
     * SPF alone (no DKIM signature): where {@code passes(n)} holds and it has a policy domain it passes DMARC with SPF
     * passing and aligned; every other one fails SPF, not aligned, its DMARC result unchanged. The report counters'
     * policy-evaluated results then agree with the stored DMARC result.
     */
    public static List<EvaluationRecord> decidedBySpf(int from, int to, IntFunction<Instant> time,
                                                      IntPredicate passes) {
        List<EvaluationRecord> out = new ArrayList<>();
        for (int n = from; n < to; n++) {
            EvaluationRecord r = at(record(n), time.apply(n));
            boolean pass = passes.test(n) && r.policyDomain().isPresent();
            EvaluationRecord.Spf spf = new EvaluationRecord.Spf(r.spf().domain(), r.spf().scope(),
                    pass ? SpfResult.PASS : SpfResult.FAIL, pass ? AlignmentStatus.ALIGNED : AlignmentStatus.NOT_ALIGNED);
            out.add(new EvaluationRecord(r.key(), r.time(), r.sourceIp(), r.headerFrom(), r.envelopeFrom(),
                    r.envelopeTo(), r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(),
                    pass ? DmarcResult.PASS : r.result(), r.appliedPolicy(), r.disposition(), r.action(), r.overrides(),
                    spf, List.of()));
        }
        return out;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
