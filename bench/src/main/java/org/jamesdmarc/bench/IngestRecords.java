package org.jamesdmarc.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * Varied {@link EvaluationRecord}s for the ingest harness, record {@code n} always the same: keys in no order (as
 * real SHA-256 keys are), a skewed choice among {@link #DOMAINS} policy domains, IPv4 and IPv6 clients, 0 to 3 DKIM
 * signatures (1.3 on average), with and without a published record, every action. Domain names are made once,
 * so building a record costs about what the DMARC check's own {@code EvaluationRecord.of} does.
 */
final class IngestRecords {

    static final int DOMAINS = 10_000;
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final HexFormat HEX = HexFormat.of();

    private final DomainName[] domains = new DomainName[DOMAINS];
    private final DomainName[] bounces = new DomainName[DOMAINS];
    private final DomainName[] esps = new DomainName[50];
    private final List<DomainName> localRcpt = List.of(DomainName.of("james.local"));
    private final List<DomainName> twoRcpts = List.of(DomainName.of("james.local"), DomainName.of("other.test"));

    IngestRecords() {
        for (int i = 0; i < DOMAINS; i++) {
            domains[i] = DomainName.of("d" + i + ".example");
            bounces[i] = DomainName.of("bounce.d" + i + ".example");
        }
        for (int i = 0; i < esps.length; i++) {
            esps[i] = DomainName.of("esp" + i + ".example");
        }
    }

    /** A 64-bit mix of {@code n} (splitmix64's finalizer): looks random, is the same every run. */
    static long mix(long n) {
        long z = n + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static MessageKey key(long n, long salt) {
        return new MessageKey(HEX.toHexDigits(mix(n ^ salt)) + HEX.toHexDigits(mix(~n ^ salt)));
    }

    /**
     * Record {@code n}; {@code salt} makes the keys of one run differ from another's (a database kept between runs
     * would otherwise hold them already).
     */
    EvaluationRecord record(long n, long salt) {
        long h = mix(n * 31 + 7);
        int d = (int) Math.floor(Math.exp((h >>> 11) / (double) (1L << 53) * Math.log(DOMAINS))) - 1;
        d = Math.max(0, Math.min(DOMAINS - 1, d));
        DomainName domain = domains[d];
        int r = (int) (h & 0x3ff);
        boolean withRecord = r % 16 != 15;
        boolean dkimPass = r % 20 != 0;
        boolean viaEsp = (r >>> 4) % 5 == 0;
        boolean spfPass = (r >>> 2) % 10 < 8;
        boolean pass = dkimPass || (spfPass && !viaEsp);
        Policy p = Policy.values()[d % Policy.values().length];
        List<EvaluationRecord.Dkim> dkim = new ArrayList<>(2);
        if ((r >>> 5) % 10 < 9) {
            dkim.add(new EvaluationRecord.Dkim(Optional.of(domain), "s" + (d % 3), dkimPass ? DkimResult.PASS
                    : DkimResult.FAIL, dkimPass ? AlignmentStatus.ALIGNED : AlignmentStatus.NOT_ALIGNED));
        }
        if ((r >>> 6) % 10 < 4) {
            dkim.add(new EvaluationRecord.Dkim(Optional.of(esps[d % esps.length]), "s2024", DkimResult.PASS,
                    AlignmentStatus.NOT_ALIGNED));
        }
        Optional<DomainName> envelopeFrom = (r >>> 3) % 20 == 1 ? Optional.empty()
                : Optional.of(viaEsp ? esps[d % esps.length] : bounces[d]);
        Disposition disposition = !withRecord || pass ? Disposition.NONE : switch (p) {
            case NONE -> Disposition.NONE;
            case QUARANTINE -> Disposition.QUARANTINE;
            case REJECT -> Disposition.REJECT;
        };
        ActionTaken action = switch (disposition) {
            case NONE -> ActionTaken.DELIVERED;
            case QUARANTINE -> ActionTaken.QUARANTINED;
            case REJECT -> ActionTaken.REJECTED_AT_SMTP;
        };
        return new EvaluationRecord(
                key(n, salt),
                T0.plusMillis(n * 7),
                address(n, d, r),
                Optional.of(domain),
                envelopeFrom,
                r % 7 == 0 ? twoRcpts : localRcpt,
                withRecord ? Optional.of(domain) : Optional.empty(),
                r % 3 == 0 ? DiscoveryMode.PSL : DiscoveryMode.TREEWALK,
                withRecord ? Optional.of(PolicyDomainRole.AUTHOR_DOMAIN) : Optional.empty(),
                withRecord ? Optional.of(new EvaluationRecord.PublishedPolicy(Optional.of(p),
                        d % 2 == 0 ? Optional.of(Policy.QUARANTINE) : Optional.empty(), Optional.empty(),
                        PsdFlag.UNSPECIFIED, false, AlignmentMode.RELAXED, AlignmentMode.RELAXED, List.of("0"),
                        List.of("mailto:dmarc@" + domain.name()), List.of(),
                        d % 11 == 0 ? OptionalInt.of(50) : OptionalInt.empty())) : Optional.empty(),
                !withRecord ? DmarcResult.NONE : pass ? DmarcResult.PASS : DmarcResult.FAIL,
                withRecord ? Optional.of(new AppliedPolicy(AppliedPolicyTag.P, p)) : Optional.empty(),
                disposition,
                action,
                r % 97 == 0 && withRecord ? List.of(PolicyOverride.LOCAL_POLICY) : List.of(),
                new EvaluationRecord.Spf(envelopeFrom.isPresent() ? envelopeFrom : Optional.of(domain),
                        envelopeFrom.isPresent() ? SpfScope.MFROM : SpfScope.HELO,
                        spfPass ? SpfResult.PASS : SpfResult.SOFTFAIL,
                        viaEsp ? AlignmentStatus.NOT_ALIGNED : AlignmentStatus.ALIGNED),
                dkim);
    }

    private static InetAddress address(long n, int d, int r) {
        try {
            if (r % 10 == 9) {
                byte[] v6 = new byte[16];
                v6[0] = 0x20;
                v6[1] = 0x01;
                v6[2] = 0x0d;
                v6[3] = (byte) 0xb8;
                v6[12] = (byte) (d >>> 8);
                v6[13] = (byte) d;
                v6[15] = (byte) (n & 0xf);
                return InetAddress.getByAddress(v6);
            }
            return InetAddress.getByAddress(new byte[] {10, (byte) (d >>> 8), (byte) d, (byte) (n & 0x7)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
