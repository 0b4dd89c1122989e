package org.jamesdmarc.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportRollup;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;

/**
 * The data the WebAdmin and dashboard tests show: evaluations written through the store James reads (then rolled up
 * into the report counters, as James does every minute), report ledger rows, and the numbers the tests expect,
 * counted by SQL straight from the database (never through the code under test).
 *
 * <p>History (mail we received), over the last three UTC days: {@value #ALPHA} gets 6 passes from 192.0.2.10, 4
 * failures quarantined from 192.0.2.20 and 3 failures from 198.51.100.7 marked as a mailing list (delivered);
 * {@value #BETA} 2 passes from 192.0.2.30 and 1 failure rejected from 192.0.2.20.
 */
final class WebFixture {

    static final String ALPHA = "alpha-sender.test";
    static final String BETA = "beta-sender.test";
    static final String REPORT_ID = "james.local!" + ALPHA + "!fixture";
    static final String DESTINATION = "mailto:dmarc@rua." + ALPHA;

    private final String url;
    private final String user;
    private final Instant day0 = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));
    private int next;

    WebFixture(String url, String user) {
        this.url = url;
        this.user = user;
    }

    /** Writes the history and the ledger, and rolls the counters up. */
    void write() {
        List<EvaluationRecord> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(record(ALPHA, "192.0.2.10", i % 3, true, Disposition.NONE, ActionTaken.DELIVERED, List.of()));
        }
        for (int i = 0; i < 4; i++) {
            records.add(record(ALPHA, "192.0.2.20", i % 2, false, Disposition.QUARANTINE, ActionTaken.QUARANTINED,
                    List.of()));
        }
        for (int i = 0; i < 3; i++) {
            records.add(record(ALPHA, "198.51.100.7", 2, false, Disposition.NONE, ActionTaken.DELIVERED,
                    List.of(PolicyOverride.MAILING_LIST)));
        }
        for (int i = 0; i < 2; i++) {
            records.add(record(BETA, "192.0.2.30", 1, true, Disposition.NONE, ActionTaken.DELIVERED, List.of()));
        }
        records.add(record(BETA, "192.0.2.20", 0, false, Disposition.REJECT, ActionTaken.REJECTED_AT_SMTP, List.of()));
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, user, Secret.none(), 2))) {
            store.write(records);
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            long begin = day0.getEpochSecond();
            Instant now = Instant.now();
            new ReportLedger(store).insert(List.of(new ReportLedger.Entry(begin, begin + 86_400, ALPHA, DESTINATION,
                    ReportLedger.State.HANDED_OFF, Optional.empty(), REPORT_ID, "<fixture@james.local>",
                    "james.local!" + ALPHA + "!" + begin + "!" + (begin + 86_400) + ".xml.gz", OptionalLong.empty(),
                    "rfc9990", 1, Optional.empty(), now, now)));
        }
    }

    private EvaluationRecord record(String domain, String ip, int day, boolean pass, Disposition disposition,
                                    ActionTaken action, List<PolicyOverride> overrides) {
        int n = next++;
        DomainName d = DomainName.of(domain);
        return new EvaluationRecord(new MessageKey(String.format("%032x", 0xfeed0000L + n)),
                day0.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(10L * n + 1)), address(ip), Optional.of(d),
                Optional.of(d), List.of(DomainName.of("james.local")), Optional.of(d), DiscoveryMode.TREEWALK,
                Optional.of(PolicyDomainRole.AUTHOR_DOMAIN), Optional.of(new EvaluationRecord.PublishedPolicy(
                        Optional.of(Policy.QUARANTINE), Optional.empty(), Optional.empty(), PsdFlag.UNSPECIFIED, false,
                        AlignmentMode.RELAXED, AlignmentMode.RELAXED, List.of("0"), List.of("mailto:dmarc@" + domain),
                        List.of(), OptionalInt.empty())),
                pass ? DmarcResult.PASS : DmarcResult.FAIL, Optional.of(new AppliedPolicy(AppliedPolicyTag.P,
                        Policy.QUARANTINE)), disposition, action, overrides,
                new EvaluationRecord.Spf(Optional.of(d), SpfScope.MFROM, pass ? SpfResult.PASS : SpfResult.FAIL,
                        pass ? AlignmentStatus.ALIGNED : AlignmentStatus.NOT_ALIGNED),
                List.of());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** One number from the database, by SQL. */
    long count(String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
