package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store whose counters are kept in 2-minute buckets ({@code report.period = PT2M}, for end-to-end tests) reads each
 * 2-minute period's counts exactly, on the three databases.
 */
class ReportCountersMinuteBucketTest {

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void eachTwoMinutePeriodHasExactlyItsMessages(Backend backend) {
        db = stores.database(backend, tmp);
        StoreConfig c = db.config();
        List<EvaluationRecord> records = new ArrayList<>();
        for (int n = 0; n < 7; n++) { // one message a minute from 00:00 to 00:06 (DeliveryFixtures.record)
            records.add(DeliveryFixtures.record(n, "d1.test", List.of("mailto:rua@d1.test"), DmarcResult.PASS));
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(c.url(), c.user(), c.password(), 2,
                120))) {
            store.write(records);
            new ReportRollup(store, Duration.ofMinutes(2)).rollUp(); // keyed by the 2-minute period (V5)
            ReportCounterReader reader = new ReportCounterReader(store);
            Instant day = DeliveryFixtures.DAY.begin();
            for (int p = 0; p < 4; p++) {
                ReportPeriod period = ReportPeriod.containing(day.plusSeconds(120L * p), Duration.ofMinutes(2));
                Optional<ReportPolicy> policy = reader.policy(org.jamesdmarc.dns.DomainName.of("d1.test"),
                        period.begin(), period.end());
                assertThat(policy).as("period %s", period).isPresent();
                assertThat(policy.get().messages()).as("period %s", period).isEqualTo(p < 3 ? 2 : 1);
                long rows = 0;
                try (ReportCounterReader.Cursor<ReportRow> cursor = reader.rows(period.begin(), period.end())) {
                    for (Optional<ReportRow> r = cursor.next(); r.isPresent(); r = cursor.next()) {
                        rows += r.get().messages();
                    }
                }
                assertThat(rows).as("rows of period %s", period).isEqualTo(p < 3 ? 2 : 1);
            }
        }
    }
}
