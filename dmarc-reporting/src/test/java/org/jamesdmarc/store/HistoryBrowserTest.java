package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DmarcResult;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HistoryBrowser} on H2, MariaDB and PostgreSQL: a page holds exactly the stored messages its filter names,
 * newest first, and pages follow each other; the summary (from the rolled-up counters) equals the messages stored.
 */
class HistoryBrowserTest {

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private JdbcHistoryStore open(Backend backend) {
        db = stores.database(backend, tmp);
        return JdbcHistoryStore.open(new StoreConfig(db.url(), db.user(), Secret.none(), 2));
    }

    /**
     * 120 records over three days (40 a day), a third of those with a policy passing (SPF aligned), the others failing
     * (neither aligned): the counters' policy-evaluated results agree with the stored DMARC result.
     */
    private static List<EvaluationRecord> fixture() {
        return Records.decidedBySpf(0, 120, n -> Records.T0.plus(Duration.ofDays(n % 3)).plusSeconds(n),
                n -> n % 3 == 0);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void pagesHoldWhatTheFilterNamesNewestFirst(Backend backend) {
        List<EvaluationRecord> records = fixture();
        try (JdbcHistoryStore store = open(backend)) {
            store.write(records);
            HistoryBrowser browser = new HistoryBrowser(store);
            DomainName domain = DomainName.of("example1.com");
            Instant since = Records.T0.plus(Duration.ofDays(1));
            HistoryBrowser.Filter filter = new HistoryBrowser.Filter(Optional.of(domain), Optional.of("fail"),
                    Optional.of(since), Optional.empty());
            List<String> expected = records.stream()
                    .filter(r -> r.policyDomain().equals(Optional.of(domain)) || r.headerFrom().equals(Optional.of(domain)))
                    .filter(r -> r.result() == DmarcResult.FAIL && !r.time().isBefore(since))
                    .sorted(Comparator.comparing(EvaluationRecord::time).thenComparing(r -> r.key().value()).reversed())
                    .map(r -> r.key().value()).toList();
            assertThat(expected).hasSizeGreaterThan(10);

            HistoryBrowser.Page all = browser.page(filter, 0, 1000);
            assertThat(all.messages()).extracting(HistoryBrowser.Message::key).containsExactlyElementsOf(expected);
            assertThat(all.more()).isFalse();
            assertThat(all.messages()).allSatisfy(m -> assertThat(m.result()).isEqualTo("fail"));

            HistoryBrowser.Page first = browser.page(filter, 0, 7);
            HistoryBrowser.Page second = browser.page(filter, 7, 7);
            assertThat(first.more()).isTrue();
            List<String> both = new ArrayList<>();
            first.messages().forEach(m -> both.add(m.key()));
            second.messages().forEach(m -> both.add(m.key()));
            assertThat(both).containsExactlyElementsOf(expected.subList(0, Math.min(14, expected.size())));

            assertThat(browser.page(new HistoryBrowser.Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty()), 0, 1000).messages()).hasSize(records.size());
            assertThatThrownBy(() -> browser.page(filter, -1, 10)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new HistoryBrowser.Filter(Optional.empty(), Optional.of("maybe"),
                    Optional.empty(), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theSummaryEqualsTheStoredMessages(Backend backend) throws Exception {
        List<EvaluationRecord> records = fixture();
        try (JdbcHistoryStore store = open(backend)) {
            store.write(records);
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            HistoryBrowser browser = new HistoryBrowser(store);
            Instant since = Records.T0.minus(Duration.ofDays(1));
            Instant until = Records.T0.plus(Duration.ofDays(5));
            HistoryBrowser.Summary s = browser.summary(Optional.empty(), since, until, 100);

            try (Connection c = store.dataSource().getConnection()) {
                long[] totals = counts(c, "SELECT COUNT(*), SUM(CASE WHEN dmarc_result = 'pass' THEN 1 ELSE 0 END) "
                        + "FROM dmarc_message WHERE policy_domain IS NOT NULL");
                assertThat(s.messages()).isEqualTo(totals[0]);
                assertThat(s.pass()).isEqualTo(totals[1]);
                assertThat(s.days()).hasSize(3);
                assertThat(s.days().stream().mapToLong(HistoryBrowser.Day::messages).sum()).isEqualTo(totals[0]);
                for (HistoryBrowser.DomainTotal d : s.domains()) {
                    assertThat(d.messages()).isEqualTo(counts(c, "SELECT COUNT(*) FROM dmarc_message WHERE "
                            + "policy_domain = '" + d.policyDomain() + "'")[0]);
                }
                Map<String, Long> failing = new TreeMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, COUNT(*) FROM dmarc_message WHERE "
                        + "policy_domain IS NOT NULL AND dmarc_result <> 'pass' GROUP BY source_ip");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        failing.put(rs.getString(1), rs.getLong(2));
                    }
                }
                assertThat(s.topFailingSources()).isNotEmpty();
                for (HistoryBrowser.FailingSource f : s.topFailingSources()) {
                    assertThat(f.messages()).as(f.sourceIp()).isEqualTo(failing.get(f.sourceIp()));
                    assertThat(f.dispositions().values().stream().mapToLong(Long::longValue).sum())
                            .isEqualTo(f.messages());
                }
                // The top N is the N biggest of every failing source (ties by address), whatever N.
                List<Map.Entry<String, Long>> ranked = new ArrayList<>(failing.entrySet());
                ranked.sort(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()));
                for (int top : new int[] {1, 2, 3, 5, 100}) {
                    assertThat(browser.summary(Optional.empty(), since, until, top).topFailingSources())
                            .extracting(HistoryBrowser.FailingSource::sourceIp)
                            .containsExactlyElementsOf(ranked.subList(0, Math.min(top, ranked.size())).stream()
                                    .map(Map.Entry::getKey).toList());
                }
            }
            HistoryBrowser.Summary one = browser.summary(Optional.of(DomainName.of("example2.com")), since, until, 5);
            assertThat(one.domains()).extracting(HistoryBrowser.DomainTotal::policyDomain).containsExactly("example2.com");
            assertThat(one.messages()).isEqualTo(one.domains().get(0).messages());
            assertThat(browser.summary(Optional.empty(), until, until.plusSeconds(86_400), 5).messages()).isZero();
        }
    }

    private static long[] counts(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long[] out = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = rs.getLong(i + 1);
            }
            return out;
        }
    }
}
