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
import org.jamesdmarc.store.InboundFormat;
import org.jamesdmarc.store.InboundOrigin;
import org.jamesdmarc.store.InboundPolicy;
import org.jamesdmarc.store.InboundRecord;
import org.jamesdmarc.store.InboundReport;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportDisposition;
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
    /** Our domain, which the received aggregate reports are about. */
    static final String OURS = "james.local";
    static final String SPOOFER = "198.51.100.66";
    static final String FORWARDER = "203.0.113.5";
    static final String OUR_SERVER = "192.0.2.10";

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
            writeInbound(store);
            new ReportLedger(store).insert(List.of(new ReportLedger.Entry(begin, begin + 86_400, ALPHA, DESTINATION,
                    ReportLedger.State.HANDED_OFF, Optional.empty(), REPORT_ID, "<fixture@james.local>",
                    "james.local!" + ALPHA + "!" + begin + "!" + (begin + 86_400) + ".xml.gz", OptionalLong.empty(),
                    "rfc9990", 1, Optional.empty(), now, now)));
        }
    }

    /** The id of the first received report (its XML kept). */
    String inboundId;

    /**
     * Two aggregate reports about {@value #OURS}, stored through the inbound store (as the ingest does): example.com's
     * of day 0 (our server 50 passing, a forwarder 4 failing marked forwarded, a spoofer 7 rejected) with its XML,
     * and example.net's of day 1 (our server 30 passing, the forwarder 2 failing marked mailing_list, quarantined).
     */
    private void writeInbound(JdbcHistoryStore store) {
        InboundReportStore inbound = new InboundReportStore(store);
        inboundId = inbound(inbound, "example.com", "rpt-1", 0, List.of(
                inboundRecord(OUR_SERVER, 50, ReportDisposition.NONE, true, List.of()),
                inboundRecord(FORWARDER, 4, ReportDisposition.NONE, false, List.of(PolicyOverride.FORWARDED)),
                inboundRecord(SPOOFER, 7, ReportDisposition.REJECT, false, List.of())), true);
        inbound(inbound, "example.net", "rpt-2", 1, List.of(
                inboundRecord(OUR_SERVER, 30, ReportDisposition.NONE, true, List.of()),
                inboundRecord(FORWARDER, 2, ReportDisposition.QUARANTINE, false,
                        List.of(PolicyOverride.MAILING_LIST))), false);
    }

    static final String RAW_XML = "<?xml version=\"1.0\"?><feedback><report_metadata><org_name>example.com</org_name>"
            + "<report_id>rpt-1</report_id></report_metadata></feedback>";

    private String inbound(InboundReportStore inbound, String org, String id, int day, List<InboundRecord> records,
                           boolean keepXml) {
        Instant begin = day0.plus(Duration.ofDays(day));
        InboundReport report = new InboundReport(org, "noreply-dmarc@" + org, Optional.empty(), id, OURS, begin,
                begin.plus(Duration.ofDays(1)).minusSeconds(1), InboundFormat.RFC9990, InboundPolicy.none(),
                InboundOrigin.file(id + ".xml"), Instant.now());
        InboundReportStore.Begin b = inbound.begin(report);
        try (InboundReportStore.ReportWriter w = ((InboundReportStore.Begin.Started) b).writer()) {
            records.forEach(w::add);
            return w.commit(keepXml ? Optional.of(gzip(RAW_XML)) : Optional.empty()).id();
        }
    }

    private static InboundReportStore.RawXml gzip(String xml) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new InboundReportStore.RawXml(out.toByteArray(), xml.length());
    }

    private static InboundRecord inboundRecord(String ip, long count, ReportDisposition disposition, boolean pass,
                                               List<PolicyOverride> reasons) {
        return new InboundRecord(ip, count, disposition, pass, pass,
                reasons.stream().map(r -> new InboundRecord.Reason(r, Optional.<String>empty())).toList(), OURS,
                Optional.of(OURS), Optional.empty(), List.of(), List.of());
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
