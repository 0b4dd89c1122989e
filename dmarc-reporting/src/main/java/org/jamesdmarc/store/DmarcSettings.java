package org.jamesdmarc.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.store.journal.HistoryPipeline;
import org.jamesdmarc.store.journal.JournalSync;

/**
 * The settings of James DMARC's evaluation history: the one file {@value #FILE_NAME} in the {@code conf}
 * directory of the James home, read by the Guice module ({@code DmarcHistoryModule}), the mailets, the scheduled
 * tasks and the {@code dmarc} command. The file is optional: every key has a default. Relative paths resolve
 * against the James home. The file is read as UTF-8 in {@link Properties} syntax, once for these settings and the
 * {@code report.} ones ({@link DmarcProperties}); keys under {@code db.} and {@code history.} that this code does not
 * know are refused, and so are keys under none of {@code db.}, {@code history.}, {@code report.} (a misspelt key is
 * an error, not a silent default).
 *
 * <table>
 * <caption>conf/dmarc.properties</caption>
 * <tr><th>key</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code db.url}</td><td>a JDBC URL: {@code jdbc:h2:}, {@code jdbc:mariadb:}, {@code jdbc:mysql:}
 *     (served by the MariaDB driver) or {@code jdbc:postgresql:}</td><td>{@code jdbc:h2:./var/dmarc/history}</td>
 *     <td>the history database. An H2 file URL starting {@code ./} resolves against the James home and gets
 *     {@code ;AUTO_SERVER=TRUE} unless it sets {@code AUTO_SERVER}: the {@code dmarc} command then opens the same
 *     database while James runs, through a server H2 binds to 127.0.0.1 only. For MariaDB and PostgreSQL the store
 *     bounds the drivers' network waits (connect and login 10 s, an answer 120 s: {@code connectTimeout},
 *     {@code loginTimeout}, {@code socketTimeout}) unless the URL sets them. Environment: {@code DMARC_DB_URL}
 *     overrides it</td></tr>
 * <tr><td>{@code db.user}</td><td>a user name</td><td>{@code sa} for H2, else none</td>
 *     <td>the database user ({@code DMARC_DB_USER} overrides it)</td></tr>
 * <tr><td>{@code db.passwordFile}</td><td>a path</td><td>none</td><td>a file whose first line is the password
 *     ({@code DMARC_DB_PASSWORD_FILE}, then {@code DMARC_DB_PASSWORD}, override it)</td></tr>
 * <tr><td>{@code db.password}</td><td>the password</td><td>none</td><td>discouraged (it sits in a configuration
 *     file): use {@code db.passwordFile}; used only when no password file is given</td></tr>
 * <tr><td>{@code db.poolSize}</td><td>1 to {@value #MAX_POOL}</td><td>{@value #DEFAULT_POOL_SIZE}</td>
 *     <td>the most database connections James opens</td></tr>
 * <tr><td>{@code history.durability}</td><td>{@code journal} or {@code queue}</td><td>{@code journal}</td>
 *     <td>{@code journal}: each record is written into the local journal before the mail goes on (a group commit
 *     shared by concurrent mails, never a database wait), so a {@code kill -9} of James loses no record; when it is
 *     fsync'd is {@code history.journalSync}. {@code queue}: records wait in memory for the background writers
 *     (cheaper; a {@code kill -9} loses what was queued)</td></tr>
 * <tr><td>{@code history.journalSync}</td><td>{@code interval} or {@code always}</td><td>{@code interval}</td>
 *     <td>{@code interval}: the mail thread waits for the journal's {@code write()} only, and a background thread
 *     fsyncs the journal every {@code history.journalSyncInterval} (one fsync for all the records of that time, and
 *     always before the journal's checkpoint moves and at shutdown). A record handed to the kernel by
 *     {@code write()} survives the death of the James process ({@code kill -9}, an out-of-memory crash): the
 *     kernel writes it out; only an operating-system crash or a power loss can lose the records of the last interval
 *     that the database had not stored yet. {@code always}: the mail thread also waits for the fsync (shared by the
 *     mails committing together), so a power loss loses nothing accepted either — at the price of the disk's fsync
 *     latency on every mail (on a disk with ~3 ms fsyncs, about {@code spool threads} / 3 ms records per second at
 *     most, whatever the database does). The default protects against what the issue asks (a killed James) at
 *     memory speed; choose {@code always} when records must survive a power cut</td></tr>
 * <tr><td>{@code history.journalSyncInterval}</td><td>a duration: a number with a unit {@code ms} or {@code s}
 *     (a bare number is milliseconds), from 1 ms to 10 s</td><td>{@code 50ms}</td><td>with {@code interval}, the
 *     longest a journaled record waits for its fsync (the most a power loss can lose)</td></tr>
 * <tr><td>{@code history.journalDir}</td><td>a directory</td><td>{@code ./var/dmarc/journal}</td><td>the local
 *     journal: records the database has not taken yet, replayed in order when it is back and at start-up</td></tr>
 * <tr><td>{@code history.journalMaxBytes}</td><td>a size: a number with an optional unit {@code k}, {@code m},
 *     {@code g} (powers of 1024)</td><td>{@code 1g}</td><td>the journal's cap; past it records are dropped, counted
 *     and logged, and mail goes on</td></tr>
 * <tr><td>{@code history.queueCapacity}</td><td>1 to {@value #MAX_QUEUE}</td><td>{@value #DEFAULT_QUEUE}</td>
 *     <td>records the in-memory queue holds ({@code queue} durability; about 1 KB of heap per queued record,
 *     so about 100 MB when the default queue is full); a full queue overflows to the journal</td></tr>
 * <tr><td>{@code history.writers}</td><td>1 to {@value #MAX_WRITERS}</td><td>{@value #DEFAULT_WRITERS}</td>
 *     <td>background writer threads, each storing whole batches over its own database connection (keep it at most
 *     {@code db.poolSize}); several let the database work on several batches at once (one PostgreSQL connection
 *     stores about 12,000 records/s here, two about 20,000)</td></tr>
 * <tr><td>{@code history.batchSize}</td><td>1 to {@value #MAX_BATCH}</td><td>{@value #DEFAULT_BATCH}</td>
 *     <td>the most records per database transaction (and per expiry batch)</td></tr>
 * <tr><td>{@code history.retentionDays}</td><td>0 to {@value #MAX_RETENTION_DAYS}</td>
 *     <td>{@value #DEFAULT_RETENTION_DAYS}</td><td>records older than this are deleted once a day inside James;
 *     {@code 0} keeps them forever</td></tr>
 * </table>
 *
 * <p>The {@code report.*} keys of the same file (aggregate reports: who reports, period, suppression, caps,
 * retries, the command's SMTP server) are read by {@link ReportSettings}, which documents them.
 *
 * <p>A wrong value is a {@link SettingsException} naming the file and the key; the password never appears in a
 * message or in {@link #toString()} (a {@link Secret}).
 *
 * @param file            the settings file (it may not exist)
 * @param store           the database
 * @param defaultDatabase whether the database is the embedded default (no URL configured)
 * @param durability      journal-first or queue-first
 * @param journalDir      the journal's directory
 * @param journalMaxBytes the journal's cap in bytes
 * @param queueCapacity   the in-memory queue's capacity
 * @param writers         background writer threads
 * @param batchSize       the most records per write
 * @param retentionDays   days records are kept; 0: forever
 * @param warnings        what the operator should change though it works (a password in the file)
 * @param journalSync     when the journal is fsync'd: per interval off the mail path, or on it before each mail
 *                        goes on
 * @param journalSyncInterval with {@link JournalSync#INTERVAL}, the longest a record waits for its fsync
 */
public record DmarcSettings(Path file, StoreConfig store, boolean defaultDatabase, Durability durability,
        Path journalDir, long journalMaxBytes, int queueCapacity, int writers, int batchSize, int retentionDays,
        List<String> warnings, JournalSync journalSync, Duration journalSyncInterval) {

    public static final String FILE_NAME = "dmarc.properties";

    public static final String DB_URL = "db.url";
    public static final String DB_USER = "db.user";
    public static final String DB_PASSWORD = "db.password";
    public static final String DB_PASSWORD_FILE = "db.passwordFile";
    public static final String DB_POOL_SIZE = "db.poolSize";
    public static final String DURABILITY = "history.durability";
    public static final String JOURNAL_DIR = "history.journalDir";
    public static final String JOURNAL_MAX_BYTES = "history.journalMaxBytes";
    public static final String QUEUE_CAPACITY = "history.queueCapacity";
    public static final String WRITERS = "history.writers";
    public static final String BATCH_SIZE = "history.batchSize";
    public static final String RETENTION_DAYS = "history.retentionDays";
    public static final String JOURNAL_SYNC = "history.journalSync";
    public static final String JOURNAL_SYNC_INTERVAL = "history.journalSyncInterval";

    /** Every key this code reads. */
    public static final Set<String> KEYS = Set.of(DB_URL, DB_USER, DB_PASSWORD, DB_PASSWORD_FILE, DB_POOL_SIZE,
            DURABILITY, JOURNAL_DIR, JOURNAL_MAX_BYTES, QUEUE_CAPACITY, WRITERS, BATCH_SIZE, RETENTION_DAYS,
            JOURNAL_SYNC, JOURNAL_SYNC_INTERVAL);

    static final int DEFAULT_POOL_SIZE = 4;
    static final int MAX_POOL = 100;
    static final String DEFAULT_JOURNAL_DIR = "./var/dmarc/journal";
    static final String DEFAULT_JOURNAL_MAX = "1g";
    static final int DEFAULT_QUEUE = 100_000;
    static final int MAX_QUEUE = 10_000_000;
    static final int DEFAULT_WRITERS = HistoryPipeline.Settings.DEFAULT_WRITERS;
    static final int MAX_WRITERS = 16;
    static final int DEFAULT_BATCH = 500;
    static final int MAX_BATCH = 100_000;
    static final int DEFAULT_RETENTION_DAYS = 180;
    static final int MAX_RETENTION_DAYS = 36_500;
    static final Duration DEFAULT_SYNC_INTERVAL = HistoryPipeline.Settings.DEFAULT_SYNC_INTERVAL;
    static final Duration MAX_SYNC_INTERVAL = Duration.ofSeconds(10);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s)?", Pattern.CASE_INSENSITIVE);

    /** The smallest journal cap: one frame of a large record must fit. */
    static final long MIN_JOURNAL_BYTES = 64 * 1024;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([kmg]?)b?", Pattern.CASE_INSENSITIVE);

    /** How an accepted record is kept before the database has it. */
    public enum Durability {
        /** fsync'd into the local journal before {@code accept} returns: survives {@code kill -9}. */
        JOURNAL("journal"),
        /** In the in-memory queue; the background writer stores it (or journals it when the database fails). */
        QUEUE("queue");

        private final String keyword;

        Durability(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    public DmarcSettings {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(journalDir, "journalDir");
        Objects.requireNonNull(journalSync, "journalSync");
        Objects.requireNonNull(journalSyncInterval, "journalSyncInterval");
        warnings = List.copyOf(warnings);
    }

    /** The settings with the default journal sync ({@code interval}, every {@code 50ms}). */
    public DmarcSettings(Path file, StoreConfig store, boolean defaultDatabase, Durability durability,
            Path journalDir, long journalMaxBytes, int queueCapacity, int writers, int batchSize, int retentionDays,
            List<String> warnings) {
        this(file, store, defaultDatabase, durability, journalDir, journalMaxBytes, queueCapacity, writers,
                batchSize, retentionDays, warnings, JournalSync.INTERVAL, DEFAULT_SYNC_INTERVAL);
    }

    /** The settings with the default number of writers ({@value #DEFAULT_WRITERS}). */
    public DmarcSettings(Path file, StoreConfig store, boolean defaultDatabase, Durability durability,
            Path journalDir, long journalMaxBytes, int queueCapacity, int batchSize, int retentionDays,
            List<String> warnings) {
        this(file, store, defaultDatabase, durability, journalDir, journalMaxBytes, queueCapacity, DEFAULT_WRITERS,
                batchSize, retentionDays, warnings);
    }

    /**
     * Reads {@code <jamesHome>/conf/dmarc.properties} (absent: every default) and the {@code DMARC_DB_*} variables
     * of {@code environment}, which override the file's {@code db.*} keys.
     *
     * @throws SettingsException (one line, naming the file and the key) for a value that cannot be used
     */
    public static DmarcSettings load(Path jamesHome, Map<String, String> environment) {
        return DmarcProperties.read(jamesHome).history(environment);
    }

    /** The settings of one read of the file ({@link DmarcProperties#history}, which also refuses stray keys). */
    static DmarcSettings from(DmarcProperties file, Map<String, String> environment) {
        return new KeyReader(file.file(), file.home(), file.properties(), environment).read();
    }

    /** The pipeline settings these give ({@code backoff} and shutdown wait are not configurable). */
    public HistoryPipeline.Settings pipelineSettings() {
        return new HistoryPipeline.Settings(queueCapacity, batchSize, Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(10), durability == Durability.JOURNAL, writers, journalSync, journalSyncInterval);
    }

    /** Reads one file's keys. */
    private static final class KeyReader {
        private final Path file;
        private final Path home;
        private final Properties properties;
        private final Map<String, String> environment;
        private final List<String> warnings = new ArrayList<>();

        KeyReader(Path file, Path home, Properties properties, Map<String, String> environment) {
            this.file = file;
            this.home = home;
            this.properties = properties;
            this.environment = environment;
        }

        DmarcSettings read() {
            refuseUnknownKeys();
            Optional<String> fromEnvironment = DatabaseTarget.environment(environment, DatabaseTarget.URL_VARIABLE);
            Optional<String> configuredUrl = DatabaseTarget.first(fromEnvironment, value(DB_URL));
            String url = configuredUrl.orElse(DatabaseTarget.DEFAULT_URL);
            try {
                DatabaseKind.resolve(url);
            } catch (StoreException e) {
                String where = fromEnvironment.isPresent() ? "the environment variable " + DatabaseTarget.URL_VARIABLE
                        : file + ": " + DB_URL;
                throw new SettingsException(where + ": " + e.getMessage());
            }
            String user = DatabaseTarget.user(DatabaseTarget.first(
                    DatabaseTarget.environment(environment, DatabaseTarget.USER_VARIABLE), value(DB_USER)), url);
            int poolSize = integer(DB_POOL_SIZE, DEFAULT_POOL_SIZE, 1, MAX_POOL);
            // The report counters' buckets follow report.period (an hour unless it is shorter: tests).
            StoreConfig store = new StoreConfig(DatabaseTarget.resolve(url, home), user, password(), poolSize,
                    ReportSettings.counterBucketSeconds(properties));
            Durability durability = durability();
            Path journalDir = path(JOURNAL_DIR, DEFAULT_JOURNAL_DIR);
            long journalMax = size(JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX);
            int queue = integer(QUEUE_CAPACITY, DEFAULT_QUEUE, 1, MAX_QUEUE);
            int writers = integer(WRITERS, DEFAULT_WRITERS, 1, MAX_WRITERS);
            int batch = integer(BATCH_SIZE, DEFAULT_BATCH, 1, MAX_BATCH);
            int retention = integer(RETENTION_DAYS, DEFAULT_RETENTION_DAYS, 0, MAX_RETENTION_DAYS);
            JournalSync sync = journalSync();
            Duration syncInterval = duration(JOURNAL_SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL, MAX_SYNC_INTERVAL);
            return new DmarcSettings(file, store, configuredUrl.isEmpty(), durability, journalDir, journalMax, queue,
                    writers, batch, retention, warnings, sync, syncInterval);
        }

        private void refuseUnknownKeys() {
            Set<String> unknown = new TreeSet<>();
            for (String key : properties.stringPropertyNames()) {
                if ((key.startsWith("db.") || key.startsWith("history.")) && !KEYS.contains(key)) {
                    unknown.add(key);
                }
            }
            if (!unknown.isEmpty()) {
                throw new SettingsException(file + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }

        private Optional<String> value(String key) {
            return Optional.ofNullable(properties.getProperty(key)).map(String::strip).filter(v -> !v.isEmpty());
        }

        private SettingsException bad(String key, String value, String expected) {
            return new SettingsException(file + ": " + key + " = '" + value + "': " + expected);
        }

        /** Environment first (file variable, then password variable), then db.passwordFile, then db.password. */
        private Secret password() {
            Optional<Secret> fromEnvironment = DatabaseTarget.passwordFromEnvironment(environment);
            if (fromEnvironment.isPresent()) {
                return fromEnvironment.get();
            }
            Optional<String> passwordFile = value(DB_PASSWORD_FILE);
            if (passwordFile.isPresent()) {
                try {
                    return Secret.fromFile(home.resolve(passwordFile.get()).normalize());
                } catch (StoreException e) {
                    throw new SettingsException(file + ": " + DB_PASSWORD_FILE + ": " + e.getMessage());
                }
            }
            String inline = properties.getProperty(DB_PASSWORD);
            if (inline != null && !inline.isEmpty()) {
                warnings.add(file + ": " + DB_PASSWORD + " holds the database password in the configuration; "
                        + "prefer " + DB_PASSWORD_FILE + " (a file only James can read) or "
                        + DatabaseTarget.PASSWORD_FILE_VARIABLE);
                return Secret.of(inline);
            }
            return Secret.none();
        }

        private int integer(String key, int defaultValue, int min, int max) {
            Optional<String> v = value(key);
            if (v.isEmpty()) {
                return defaultValue;
            }
            try {
                long n = Long.parseLong(v.get().replace("_", ""));
                if (n >= min && n <= max) {
                    return (int) n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(key, v.get(), "expected a whole number from " + min + " to " + max);
        }

        private Durability durability() {
            Optional<String> v = value(DURABILITY);
            if (v.isEmpty()) {
                return Durability.JOURNAL;
            }
            for (Durability d : Durability.values()) {
                if (d.keyword().equalsIgnoreCase(v.get())) {
                    return d;
                }
            }
            throw bad(DURABILITY, v.get(), "expected journal or queue");
        }

        private JournalSync journalSync() {
            Optional<String> v = value(JOURNAL_SYNC);
            if (v.isEmpty()) {
                return JournalSync.INTERVAL;
            }
            for (JournalSync s : JournalSync.values()) {
                if (s.name().equalsIgnoreCase(v.get())) {
                    return s;
                }
            }
            throw bad(JOURNAL_SYNC, v.get(), "expected interval or always");
        }

        /** A duration from 1 ms to {@code max}: a number with an optional unit ms (the default) or s. */
        private Duration duration(String key, Duration defaultValue, Duration max) {
            Optional<String> v = value(key);
            if (v.isEmpty()) {
                return defaultValue;
            }
            Matcher m = DURATION.matcher(v.get());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration d = "s".equalsIgnoreCase(m.group(2)) ? Duration.ofSeconds(n) : Duration.ofMillis(n);
                if (!d.isZero() && d.compareTo(max) <= 0) {
                    return d;
                }
            }
            throw bad(key, v.get(), "expected a duration from 1ms to " + max.toSeconds() + "s: a number with an "
                    + "optional unit ms or s (e.g. 50ms)");
        }

        private Path path(String key, String defaultValue) {
            String v = value(key).orElse(defaultValue);
            try {
                return home.resolve(v).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw bad(key, v, "not a path: " + e.getReason());
            }
        }

        private long size(String key, String defaultValue) {
            String v = value(key).orElse(defaultValue);
            Matcher m = SIZE.matcher(v);
            if (m.matches()) {
                int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
                try {
                    long n = Long.parseLong(m.group(1));
                    if (n <= (Long.MAX_VALUE >> shift) && (n << shift) >= MIN_JOURNAL_BYTES) {
                        return n << shift;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw bad(key, v, "expected a size of at least 64k: a number of bytes with an optional unit k, m or g "
                    + "(e.g. 1g)");
        }
    }
}
