/**
 * The evaluation history store (issue 9): every evaluated message ({@link org.jamesdmarc.check.EvaluationRecord})
 * kept in a relational database for the RFC 9990 aggregate reports and the dashboard.
 *
 * <ul>
 *   <li>{@link org.jamesdmarc.store.StoreConfig}: a JDBC URL ({@code h2}, {@code mariadb}, {@code mysql} served by
 *       the MariaDB driver, {@code postgresql}: {@link org.jamesdmarc.store.DatabaseKind}), a user and a
 *       {@link org.jamesdmarc.store.Secret} password from a file or an environment variable, never printed.</li>
 *   <li>{@link org.jamesdmarc.store.JdbcHistoryStore}: a HikariCP pool, the schema migrated by Flyway
 *       ({@code HistorySchema}, scripts under {@code org/jamesdmarc/store/migration}), batched idempotent writes
 *       keyed by {@link org.jamesdmarc.check.MessageKey}, counting, listing and expiry in short batches.</li>
 *   <li>Operator mistakes (unknown scheme, unreachable host, refused credentials, a schema newer than the code)
 *       are one-line {@link org.jamesdmarc.store.StoreException}s naming the URL without its password.</li>
 *   <li>{@link org.jamesdmarc.store.DmarcSettings}: {@code conf/dmarc.properties} of the James home (database,
 *       durability, journal, retention), with the {@code DMARC_DB_*} rules it shares with the {@code dmarc} command
 *       ({@link org.jamesdmarc.store.DatabaseTarget}; H2 file URLs in auto-server mode, on loopback:
 *       {@link org.jamesdmarc.store.H2Loopback}). A wrong value is a one-line
 *       {@link org.jamesdmarc.store.SettingsException} naming the key.</li>
 *   <li>{@link org.jamesdmarc.store.EvaluationHistory}: the process's {@link org.jamesdmarc.check.EvaluationSink}, a
 *       {@link org.jamesdmarc.store.journal.HistoryPipeline} over the journal delivering to the store, which it opens
 *       lazily and retries; {@link org.jamesdmarc.store.HistoryRetention} deletes old records daily.</li>
 *   <li>{@link org.jamesdmarc.store.InboundReportStore} (migration V7): the aggregate and failure reports other
 *       receivers send us (issue 12), stored once each, refused ones kept aside with the reason, and the dashboard's
 *       aggregates ({@link org.jamesdmarc.store.InboundStats}).</li>
 * </ul>
 *
 * <p>May import: the JDK, JDBC, slf4j, Flyway, HikariCP, the PostgreSQL driver's COPY API ({@code PostgresCopy}
 * only, so that the store loads without that driver), {@code store.journal}, and the core's {@code check},
 * {@code policy}, {@code auth} and {@code dns}. No James, mailet or Guice API ({@code ReportingLayeringTest}): the
 * James adapters that feed it (the {@code DmarcHistory} mailet, the Guice module) are in
 * {@code org.jamesdmarc.reporting.james}.
 */
package org.jamesdmarc.store;
