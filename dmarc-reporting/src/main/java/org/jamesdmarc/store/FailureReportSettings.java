package org.jamesdmarc.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code failure.*} keys of {@code conf/dmarc.properties}: failure reports (RFC 9991) sent by James. Off by
 * default. Who reports is the aggregate reports' {@code report.orgName} and {@code report.email} (required when
 * enabled), and destinations are verified with {@code report.dnsServers}.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>value</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code failure.enabled}</td><td>{@code true} or {@code false}</td><td>{@code false}</td><td>send failure
 *     reports for messages whose policy asks for them ({@code ruf}, {@code fo})</td></tr>
 * <tr><td>{@code failure.perDestination}</td><td>1 to 1,000,000</td><td>{@code 1}</td><td>at most this many reports
 *     to one {@code ruf} address per window, counted in the database (all James nodes)</td></tr>
 * <tr><td>{@code failure.perDomain}</td><td>1 to 1,000,000</td><td>{@code 10}</td><td>at most this many reports
 *     about one policy domain per window</td></tr>
 * <tr><td>{@code failure.window}</td><td>ISO-8601 duration, at least {@code PT1S}</td><td>{@code PT1H}</td><td>the
 *     rate limits' window</td></tr>
 * <tr><td>{@code failure.content}</td><td>{@code headers} or {@code message}</td><td>{@code headers}</td><td>the
 *     failed message's header section ({@code text/rfc822-headers}) or the whole message ({@code message/rfc822},
 *     body not redacted)</td></tr>
 * <tr><td>{@code failure.redactSender}</td><td>{@code true} or {@code false}</td><td>{@code true}</td><td>redact the
 *     local parts of the sender's addresses (From, Sender, Reply-To, Return-Path, Original-Mail-From) too; other
 *     addresses are always redacted and recipient fields always dropped</td></tr>
 * <tr><td>{@code failure.secretFile}</td><td>a file</td><td>{@code conf/dmarc-failure-secret}</td><td>the key of the
 *     redaction tokens (at least 16 bytes); created with 32 random bytes when absent. Share it between nodes for
 *     identical tokens</td></tr>
 * <tr><td>{@code failure.queueSize}</td><td>1 to 1,000,000</td><td>{@code 1000}</td><td>failed messages waiting
 *     for the sender thread; more are dropped (counted)</td></tr>
 * </table>
 */
public record FailureReportSettings(boolean enabled, FailureReportLog.RateLimits limits, boolean wholeMessage,
                                    boolean redactSender, Path secretFile, int queueSize) {

    public static final String ENABLED = "failure.enabled";
    public static final String PER_DESTINATION = "failure.perDestination";
    public static final String PER_DOMAIN = "failure.perDomain";
    public static final String WINDOW = "failure.window";
    public static final String CONTENT = "failure.content";
    public static final String REDACT_SENDER = "failure.redactSender";
    public static final String SECRET_FILE = "failure.secretFile";
    public static final String QUEUE_SIZE = "failure.queueSize";
    public static final Set<String> KEYS = Set.of(ENABLED, PER_DESTINATION, PER_DOMAIN, WINDOW, CONTENT, REDACT_SENDER,
            SECRET_FILE, QUEUE_SIZE);

    /**
     * The settings {@code properties} hold; relative files are resolved against {@code conf}.
     *
     * @throws SettingsException (one line, naming {@code file} and the key) for a value that cannot be used
     */
    public static FailureReportSettings from(Properties properties, Path file, Path conf) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("failure.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SettingsException(file + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        ReportSettings.Values v = new ReportSettings.Values(properties, file);
        Duration window = v.duration(WINDOW, "PT1H");
        if (window.toSeconds() < 1) {
            throw new SettingsException(file + ": " + WINDOW + " = '" + window + "': expected at least PT1S");
        }
        String content = v.text(CONTENT).orElse("headers").toLowerCase(Locale.ROOT);
        if (!content.equals("headers") && !content.equals("message")) {
            throw new SettingsException(file + ": " + CONTENT + " = '" + content + "': expected headers or message");
        }
        Path secret = conf.resolve(v.text(SECRET_FILE).orElse("dmarc-failure-secret"));
        return new FailureReportSettings(v.bool(ENABLED, false), new FailureReportLog.RateLimits(
                v.integer(PER_DESTINATION, 1, 1, 1_000_000), v.integer(PER_DOMAIN, 10, 1, 1_000_000), window),
                content.equals("message"), v.bool(REDACT_SENDER, true), secret,
                v.integer(QUEUE_SIZE, 1000, 1, 1_000_000));
    }

    /**
     * The redaction key: the bytes of {@link #secretFile()}, created with {@code generated} (owner-only permissions
     * where the file system has them) when it does not exist.
     *
     * @throws SettingsException when it cannot be read or written, or holds fewer than 16 bytes
     */
    public byte[] secret(java.util.function.Supplier<byte[]> generated) {
        try {
            if (!Files.exists(secretFile)) {
                Path tmp = secretFile.resolveSibling(secretFile.getFileName() + ".tmp");
                Files.write(tmp, generated.get());
                try {
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                Files.move(tmp, secretFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            byte[] secret = Files.readAllBytes(secretFile);
            if (secret.length < 16) {
                throw new SettingsException(secretFile + " (" + SECRET_FILE + "): at least 16 bytes expected, found "
                        + secret.length);
            }
            return secret;
        } catch (IOException e) {
            throw new SettingsException(SECRET_FILE + ": " + secretFile + ": " + DatabaseErrors.firstLine(e), e);
        }
    }
}
