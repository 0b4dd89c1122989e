package org.jamesdmarc.store;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * One read of {@code <james home>/conf/}{@value DmarcSettings#FILE_NAME}, the file both {@link DmarcSettings} (its
 * {@code db.} and {@code history.} keys) and {@link ReportSettings} (its {@code report.} keys) are built from, so
 * that a process that needs both (James's extension module, {@code dmarc report send}) reads the file once and both
 * see the same contents even if the file is edited meanwhile.
 *
 * <p>Each settings class refuses the unknown keys under its own prefixes. A key under none of {@link #PREFIXES} (a
 * misspelt prefix such as {@code reports.orgName}) is refused by {@link #history} — which every user of the file
 * calls — so that no key of the file is silently ignored.
 *
 * <pre>{@code
 * DmarcProperties file = DmarcProperties.read(jamesHome);
 * DmarcSettings history = file.history(System.getenv());
 * ReportSettings reports = file.reports();
 * }</pre>
 */
public final class DmarcProperties {

    /**
     * The prefixes of the file's keys: {@code db.} and {@code history.} ({@link DmarcSettings}), {@code report.},
     * {@code failure.} ({@link FailureReportSettings}).
     */
    public static final List<String> PREFIXES = List.of("db.", "history.", "report.", "failure.");

    private final Path home;
    private final Path file;
    private final Properties properties;

    private DmarcProperties(Path home, Path file, Properties properties) {
        this.home = home;
        this.file = file;
        this.properties = properties;
    }

    /**
     * Reads {@code <jamesHome>/conf/dmarc.properties} as UTF-8 in {@link Properties} syntax; an absent file is an
     * empty one (every default).
     *
     * @throws SettingsException (one line, naming the file) when it exists but cannot be read
     */
    public static DmarcProperties read(Path jamesHome) {
        Path home = jamesHome.toAbsolutePath().normalize();
        Path file = home.resolve("conf").resolve(DmarcSettings.FILE_NAME);
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsException("cannot read " + file + ": " + DatabaseErrors.firstLine(e), e);
            }
        }
        return new DmarcProperties(home, file, properties);
    }

    /** Given contents (tests): {@code file} is named in messages only. */
    public static DmarcProperties of(Path jamesHome, Path file, Map<String, String> keyValues) {
        Properties properties = new Properties();
        properties.putAll(Objects.requireNonNull(keyValues, "keyValues"));
        return new DmarcProperties(jamesHome.toAbsolutePath().normalize(), file, properties);
    }

    /** The James home relative paths resolve against. */
    public Path home() {
        return home;
    }

    /** The file (it may not exist). */
    public Path file() {
        return file;
    }

    /**
     * The history's settings: the {@code db.} and {@code history.} keys, with the {@code DMARC_DB_*} variables of
     * {@code environment} overriding the {@code db.} keys ({@link DmarcSettings}).
     *
     * @throws SettingsException (one line, naming the file and the key) for a value that cannot be used, an unknown
     *                           {@code db.} or {@code history.} key, or a key under none of {@link #PREFIXES}
     */
    public DmarcSettings history(Map<String, String> environment) {
        refuseKeysUnderNoPrefix();
        return DmarcSettings.from(this, environment);
    }

    /**
     * The report settings: the {@code report.} keys ({@link ReportSettings}).
     *
     * @throws SettingsException (one line, naming the file and the key) for a value that cannot be used or an
     *                           unknown {@code report.} key
     */
    public ReportSettings reports() {
        return ReportSettings.from(properties(), file);
    }

    /**
     * The failure report settings: the {@code failure.} keys ({@link FailureReportSettings}; relative files under
     * {@code conf/}).
     *
     * @throws SettingsException (one line, naming the file and the key) for a value that cannot be used or an
     *                           unknown {@code failure.} key
     */
    public FailureReportSettings failures() {
        return FailureReportSettings.from(properties(), file, home.resolve("conf"));
    }

    /** A copy of the contents. */
    Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    private void refuseKeysUnderNoPrefix() {
        Set<String> stray = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (PREFIXES.stream().noneMatch(key::startsWith)) {
                stray.add(key);
            }
        }
        if (!stray.isEmpty()) {
            throw new SettingsException(file + ": unknown key" + (stray.size() > 1 ? "s " : " ")
                    + String.join(", ", stray) + " (every key starts with one of " + String.join(" ", PREFIXES) + ")");
        }
    }
}
