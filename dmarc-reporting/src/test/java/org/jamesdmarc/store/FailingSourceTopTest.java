package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FailingSourceTop} on H2, MariaDB and PostgreSQL: the top from each slice's biggest sources equals the top of
 * a full {@code GROUP BY} of the window (ties by address), for skewed and flat data, few and many slices.
 */
class FailingSourceTopTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theTopFromEachSlicesTopIsTheTopOfTheWholeWindow(Backend backend) throws SQLException {
        Backend.TestDatabase db = backend.create(tmp);
        StoreConfig config = db.config();
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(config.url(), config.user(), Secret.none(), 2));
             Connection c = store.dataSource().getConnection()) {
            Random random = new Random(7);
            // Slices 0-5 skewed (few big sources), 6-11 flat with many ties; one source in every slice just below the
            // top of each, so that only its total puts it first.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_report_failing_source (period_hour, "
                    + "source_ip, messages, slice_seconds) VALUES (?, ?, ?, 86400)")) {
                for (int slice = 0; slice < 12; slice++) {
                    for (int ip = 0; ip < 400; ip++) {
                        long n = slice < 6 ? (long) (1000 / (1 + ip + random.nextInt(3))) : 1 + random.nextInt(4);
                        if (n == 0 || (ip == 7 && slice % 2 == 0)) {
                            continue;
                        }
                        ps.setLong(1, slice * 86_400L);
                        ps.setString(2, "192.0.2." + ip);
                        ps.setLong(3, ip == 399 ? 90 : n);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            for (long[] window : new long[][] {{0, 86_400}, {0, 6 * 86_400}, {6 * 86_400, 12 * 86_400},
                {0, 12 * 86_400}, {3 * 86_400, 9 * 86_400}}) {
                List<Long> slices = FailingSourceTop.slices(c, window[0], window[1]);
                assertThat(slices).hasSize((int) ((window[1] - window[0]) / 86_400));
                for (int top : new int[] {1, 3, 10, 50, 400, 1000}) {
                    assertThat(FailingSourceTop.top(c, slices, top)).as("window %s-%s top %d", window[0], window[1], top)
                            .isEqualTo(grouped(c, window[0], window[1], top));
                }
            }
            assertThat(FailingSourceTop.slices(c, 20 * 86_400L, 30 * 86_400L)).isEmpty();
            assertThat(FailingSourceTop.top(c, List.of(), 10)).isEmpty();
        } finally {
            db.drop();
        }
    }

    private static List<FailingSourceTop.Total> grouped(Connection c, long from, long to, int top) throws SQLException {
        List<FailingSourceTop.Total> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, SUM(messages) AS m FROM "
                + "dmarc_report_failing_source WHERE period_hour >= ? AND period_hour < ? GROUP BY source_ip")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FailingSourceTop.Total(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(FailingSourceTop.Total::messages).reversed()
                .thenComparing(FailingSourceTop.Total::sourceIp));
        return out.subList(0, Math.min(top, out.size()));
    }
}
