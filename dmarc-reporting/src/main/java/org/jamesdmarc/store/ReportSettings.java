package org.jamesdmarc.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.jamesdmarc.dns.DnsSettings;

/**
 * The aggregate report settings: the {@code report.*} keys of the same {@code conf/dmarc.properties} as
 * {@link DmarcSettings} (read by the scheduled task inside James and by {@code dmarc report send}). A misspelt
 * {@code report.} key is refused.
 *
 * <table>
 * <caption>report.* keys of conf/dmarc.properties</caption>
 * <tr><th>key</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code report.orgName}</td><td>text</td><td>none (required to send)</td><td>{@code org_name} of the
 *     report metadata (RFC 9990)</td></tr>
 * <tr><td>{@code report.email}</td><td>an address</td><td>none (required to send)</td><td>{@code email} of the
 *     report metadata and the From of report mail (it must pass DMARC: sign it, RFC 9990 "Email")</td></tr>
 * <tr><td>{@code report.extraContactInfo}</td><td>text</td><td>none</td><td>{@code extra_contact_info}</td></tr>
 * <tr><td>{@code report.submitter}</td><td>a domain</td><td>the domain of {@code report.email}</td><td>the
 *     receiver: the subject's "Submitter", the Report-ID's and file name's domain</td></tr>
 * <tr><td>{@code report.period}</td><td>{@code PT24H}, or {@code PTnH} with n dividing 24; for tests also
 *     {@code PTnM} with n dividing 1440</td><td>{@code PT24H}</td><td>the reporting period, aligned on UTC midnight.
 *     The roll-up (James and the {@code dmarc} command, which read this key too) keys the report counters by this
 *     period (V5, {@code ReportRollup}); a period of minutes is meant for tests. Counters rolled up under another
 *     period are not split: change it between days (a day row rolled up before a change to hours would count in the
 *     day's first hour)</td></tr>
 * <tr><td>{@code report.delay}</td><td>an ISO-8601 duration</td><td>{@code PT30M}</td><td>how long after a period
 *     ends its reports are built (late history records have arrived)</td></tr>
 * <tr><td>{@code report.format.<domain-or-address>}</td><td>{@code rfc9990} or {@code rfc7489}</td>
 *     <td>{@code rfc9990}</td><td>the XML written for a destination address or every address of a domain</td></tr>
 * <tr><td>{@code report.suppress}</td><td>domains and addresses, comma separated</td><td>none</td><td>never
 *     reported to (a domain: every address at it or below it) nor about (a policy domain)</td></tr>
 * <tr><td>{@code report.maxPerRun}</td><td>1 to 10,000,000</td><td>100,000</td><td>most hand-offs per run; the
 *     rest wait for the next run</td></tr>
 * <tr><td>{@code report.maxPerDestination}</td><td>1 to 10,000,000</td><td>1,000</td><td>most hand-offs to one
 *     destination address per run; the rest wait for the next run</td></tr>
 * <tr><td>{@code report.sendToFailingDomains}</td><td>{@code true} or {@code false}</td><td>{@code false}</td>
 *     <td>whether a policy domain none of whose mail in the period passed DMARC gets a report: by default not (the
 *     records of forged mail must not steer our outbound mail)</td></tr>
 * <tr><td>{@code report.maxAttempts}</td><td>1 to 100</td><td>6</td><td>hand-offs tried before a temporary
 *     failure becomes permanent</td></tr>
 * <tr><td>{@code report.retryDelay}</td><td>an ISO-8601 duration</td><td>{@code PT15M}</td><td>the wait after the
 *     first temporary failure; doubled after each further one (at most 12 h)</td></tr>
 * <tr><td>{@code report.enabled}</td><td>{@code true} or {@code false}</td><td>{@code true}</td><td>inside
 *     James: whether the scheduled task ({@code DmarcReportScheduler}, when listed in {@code extensions.properties})
 *     sends reports; {@code false} leaves it idle (the {@code dmarc report send} command ignores it)</td></tr>
 * <tr><td>{@code report.checkInterval}</td><td>an ISO-8601 duration, 1 s to 24 h</td><td>{@code PT5M}</td>
 *     <td>inside James: how often the scheduled task looks for due periods and rows to (re)try</td></tr>
 * <tr><td>{@code report.dnsServers}</td><td>as DmarcCheck's {@code dnsServers}: {@code IP[:PORT]}, comma
 *     separated</td><td>the system's resolvers</td><td>inside James: the DNS servers the scheduled task asks
 *     for the external destination verification (RFC 9990); give it those of DmarcCheck's {@code dnsServers}
 *     ({@code dmarc report send} takes {@code --dns})</td></tr>
 * <tr><td>{@code report.dnsTimeout}</td><td>as DmarcCheck's {@code dnsTimeout}</td><td>{@code 5s}</td><td>the
 *     timeout of one of those queries</td></tr>
 * <tr><td>{@code report.ledgerRetention}</td><td>an ISO-8601 duration of at least {@code P1D}</td>
 *     <td>{@code P90D}</td><td>how long the delivery ledger (what became of each report: {@code dmarc report
 *     status}) keeps a period after it ended; never less than {@code history.retentionDays} (a period whose report
 *     counters are still stored keeps its ledger, so it is not planned and sent again). Deleted by the history's
 *     daily retention inside James (which runs when {@code history.retentionDays} is above 0) and by
 *     {@code dmarc history expire}</td></tr>
 * <tr><td>{@code report.inboundRetention}</td><td>an ISO-8601 duration of at least {@code P1D}</td>
 *     <td>{@code P400D}</td><td>how long the reports other receivers send us (aggregate reports with their records
 *     and roll-up, refused reports, failure reports) are kept: aggregate reports by whole UTC days of their range's
 *     beginning, the others by when they were received. Deleted daily inside James (whatever
 *     {@code history.retentionDays} says) and by {@code dmarc report expire}</td></tr>
 * <tr><td>{@code report.outbox}</td><td>a James mail repository URL, e.g.
 *     {@code file://var/mail/dmarc-report-outbox/}</td><td>none</td><td>inside James: where each report mail handed
 *     to James is also kept until {@code RemoteDelivery} delivered it ({@code onSuccess}: {@code DmarcReportDelivered})
 *     or gave up on it ({@code bounceProcessor}: {@code DmarcReportBounce}); at start-up the report task hands every
 *     report still kept there, and {@code handed_off} in the ledger, to James again (same mail, same identifiers).
 *     For a James whose mail queues are in memory (the memory server): a crash then loses no report. Leave it unset
 *     where the mail queues are durable (a restart would send such reports twice)</td></tr>
 * <tr><td>{@code report.smtp.host}</td><td>a host</td><td>{@code 127.0.0.1}</td><td>{@code dmarc report send}
 *     only: the SMTP server it hands reports to</td></tr>
 * <tr><td>{@code report.smtp.port}</td><td>1 to 65535</td><td>25</td><td>its port</td></tr>
 * <tr><td>{@code report.smtp.timeout}</td><td>an ISO-8601 duration</td><td>{@code PT60S}</td><td>the longest wait
 *     for one SMTP reply</td></tr>
 * </table>
 */
public record ReportSettings(Optional<String> orgName, Optional<String> email, Optional<String> extraContactInfo,
        Optional<String> submitter, Duration period, Duration delay, Map<String, String> formats,
        Set<String> suppress, int maxPerRun, int maxPerDestination, boolean sendToFailingDomains, int maxAttempts,
        Duration retryDelay, String smtpHost, int smtpPort, Duration smtpTimeout, boolean enabled,
        Duration checkInterval, DnsSettings dns, Duration ledgerRetention, Optional<String> outbox,
        Duration inboundRetention) {

    public static final String ORG_NAME = "report.orgName";
    public static final String EMAIL = "report.email";
    public static final String EXTRA_CONTACT_INFO = "report.extraContactInfo";
    public static final String SUBMITTER = "report.submitter";
    public static final String PERIOD = "report.period";
    public static final String DELAY = "report.delay";
    public static final String FORMAT_PREFIX = "report.format.";
    public static final String SUPPRESS = "report.suppress";
    public static final String MAX_PER_RUN = "report.maxPerRun";
    public static final String MAX_PER_DESTINATION = "report.maxPerDestination";
    public static final String SEND_TO_FAILING = "report.sendToFailingDomains";
    public static final String MAX_ATTEMPTS = "report.maxAttempts";
    public static final String RETRY_DELAY = "report.retryDelay";
    public static final String SMTP_HOST = "report.smtp.host";
    public static final String SMTP_PORT = "report.smtp.port";
    public static final String SMTP_TIMEOUT = "report.smtp.timeout";
    public static final String ENABLED = "report.enabled";
    public static final String CHECK_INTERVAL = "report.checkInterval";
    public static final String DNS_SERVERS = "report.dnsServers";
    public static final String DNS_TIMEOUT = "report.dnsTimeout";
    /** The bounds of {@value #CHECK_INTERVAL}. */
    static final Duration MIN_CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_CHECK_INTERVAL = Duration.ofHours(24);
    public static final String LEDGER_RETENTION = "report.ledgerRetention";
    public static final String OUTBOX = "report.outbox";
    public static final String INBOUND_RETENTION = "report.inboundRetention";
    /** The default of {@value #INBOUND_RETENTION}: a year and a bit, so a year's trend can be compared. */
    public static final Duration DEFAULT_INBOUND_RETENTION = Duration.ofDays(400);
    /** The default of {@value #LEDGER_RETENTION}. */
    public static final Duration DEFAULT_LEDGER_RETENTION = Duration.ofDays(90);

    /** Every fixed key ({@value #FORMAT_PREFIX}... keys besides). */
    public static final Set<String> KEYS = Set.of(ORG_NAME, EMAIL, EXTRA_CONTACT_INFO, SUBMITTER, PERIOD, DELAY,
            SUPPRESS, MAX_PER_RUN, MAX_PER_DESTINATION, SEND_TO_FAILING, MAX_ATTEMPTS, RETRY_DELAY, SMTP_HOST,
            SMTP_PORT, SMTP_TIMEOUT, ENABLED, CHECK_INTERVAL, DNS_SERVERS, DNS_TIMEOUT, LEDGER_RETENTION, OUTBOX,
            INBOUND_RETENTION);

    public ReportSettings {
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(smtpHost, "smtpHost");
        Objects.requireNonNull(smtpTimeout, "smtpTimeout");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(ledgerRetention, "ledgerRetention");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(inboundRetention, "inboundRetention");
        formats = Map.copyOf(formats);
        suppress = Set.copyOf(suppress);
    }

    /** Every default, no reporter configured. */
    public static ReportSettings defaults() {
        return from(new Properties(), Path.of(DmarcSettings.FILE_NAME));
    }

    /**
     * Reads the {@code report.*} keys of {@code <jamesHome>/conf/dmarc.properties} (absent: every default); a process
     * that needs the history's settings too reads the file once with {@link DmarcProperties}.
     */
    public static ReportSettings load(Path jamesHome) {
        return DmarcProperties.read(jamesHome).reports();
    }

    /**
     * The settings {@code properties} hold.
     *
     * @throws SettingsException (one line, naming {@code file} and the key) for a value that cannot be used
     */
    public static ReportSettings from(Properties properties, Path file) {
        Set<String> unknown = new TreeSet<>();
        Map<String, String> formats = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(FORMAT_PREFIX)) {
                String target = key.substring(FORMAT_PREFIX.length()).strip().toLowerCase(Locale.ROOT);
                String v = properties.getProperty(key).strip().toLowerCase(Locale.ROOT);
                if (target.isEmpty() || !(v.equals("rfc9990") || v.equals("rfc7489"))) {
                    throw new SettingsException(file + ": " + key + " = '" + v + "': expected rfc9990 or rfc7489 "
                            + "after report.format.<domain-or-address>");
                }
                formats.put(target, v);
            } else if (key.startsWith("report.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SettingsException(file + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(KEYS))
                    + ", report.format.<domain-or-address>)");
        }
        Values v = new Values(properties, file);
        Duration period = period(v, file);
        Set<String> suppress = new LinkedHashSet<>();
        v.text(SUPPRESS).ifPresent(s -> Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> x.toLowerCase(Locale.ROOT)).forEach(suppress::add));
        Optional<String> email = v.text(EMAIL);
        if (email.isPresent() && email.get().indexOf('@') <= 0) {
            throw new SettingsException(file + ": " + EMAIL + " = '" + email.get() + "': expected an address");
        }
        Duration checkInterval = v.duration(CHECK_INTERVAL, "PT5M");
        if (checkInterval.compareTo(MIN_CHECK_INTERVAL) < 0 || checkInterval.compareTo(MAX_CHECK_INTERVAL) > 0) {
            throw new SettingsException(file + ": " + CHECK_INTERVAL + " = '" + checkInterval + "': expected from "
                    + "PT1S to PT24H");
        }
        DnsSettings dns;
        try {
            dns = DnsSettings.fromParameters(name -> name.equals(DnsSettings.PARAM_SERVERS) ? v.text(DNS_SERVERS)
                    .orElse(null) : name.equals(DnsSettings.PARAM_TIMEOUT) ? v.text(DNS_TIMEOUT).orElse(null) : null);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(file + ": " + e.getMessage().replace(DnsSettings.PARAM_SERVERS + ":",
                    DNS_SERVERS + ":").replace(DnsSettings.PARAM_TIMEOUT + ":", DNS_TIMEOUT + ":"), e);
        }
        Duration ledgerRetention = v.duration(LEDGER_RETENTION, DEFAULT_LEDGER_RETENTION.toString());
        if (ledgerRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new SettingsException(file + ": " + LEDGER_RETENTION + " = '" + ledgerRetention + "': expected at "
                    + "least P1D");
        }
        Duration inboundRetention = v.duration(INBOUND_RETENTION, DEFAULT_INBOUND_RETENTION.toString());
        if (inboundRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new SettingsException(file + ": " + INBOUND_RETENTION + " = '" + inboundRetention + "': expected at "
                    + "least P1D");
        }
        Optional<String> outbox = v.text(OUTBOX);
        if (outbox.isPresent() && !outbox.get().matches("[a-z][a-z0-9+.-]*://\\S+")) {
            throw new SettingsException(file + ": " + OUTBOX + " = '" + outbox.get() + "': expected a James mail "
                    + "repository URL such as file://var/mail/dmarc-report-outbox/");
        }
        return new ReportSettings(v.text(ORG_NAME), email, v.text(EXTRA_CONTACT_INFO),
                v.text(SUBMITTER).map(s -> s.toLowerCase(Locale.ROOT)), period, v.duration(DELAY, "PT30M"), formats,
                suppress, v.integer(MAX_PER_RUN, 100_000, 1, 10_000_000),
                v.integer(MAX_PER_DESTINATION, 1_000, 1, 10_000_000), v.bool(SEND_TO_FAILING, false),
                v.integer(MAX_ATTEMPTS, 6, 1, 100), v.duration(RETRY_DELAY, "PT15M"),
                v.text(SMTP_HOST).orElse("127.0.0.1"), v.integer(SMTP_PORT, 25, 1, 65_535),
                v.duration(SMTP_TIMEOUT, "PT60S"), v.bool(ENABLED, true), checkInterval, dns, ledgerRetention,
                outbox, inboundRetention);
    }

    /** {@value #PERIOD}: a day, hours dividing 24 or (tests) minutes dividing 24 h. */
    private static Duration period(Values v, Path file) {
        Duration period = v.duration(PERIOD, "PT24H");
        long seconds = period.getSeconds();
        if (period.getNano() != 0 || seconds <= 0 || seconds % 60 != 0 || 86_400 % seconds != 0) {
            throw new SettingsException(file + ": " + PERIOD + " = '" + period + "': expected PT24H, PTnH with n "
                    + "dividing 24, or (for tests) PTnM with n dividing 1440");
        }
        return period;
    }

    /**
     * The report counters' bucket length the store must write for the {@value #PERIOD} of {@code properties}: an
     * hour ({@link StoreConfig#HOUR_BUCKET}) for a period of whole hours (the default day included) and for a
     * wrong value (refused by {@link #from} where reports are configured); for a period of minutes, the greatest
     * length dividing both it and an hour. Read with the history's settings ({@link DmarcSettings}), so that the
     * counters written inside James can make reports of that period.
     */
    public static int counterBucketSeconds(Properties properties) {
        Duration period;
        try {
            period = period(new Values(properties, Path.of(DmarcSettings.FILE_NAME)), Path.of(DmarcSettings.FILE_NAME));
        } catch (SettingsException e) {
            return StoreConfig.HOUR_BUCKET;
        }
        return (int) StoreConfig.bucketFor(period.getSeconds());
    }

    /** The submitter (receiver) domain: {@code report.submitter}, else the domain of {@code report.email}. */
    public Optional<String> submitterDomain() {
        return submitter.or(() -> email.map(e -> e.substring(e.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)));
    }

    /**
     * How long the delivery ledger keeps a period when the history keeps its records {@code historyRetentionDays}
     * days: the longer of that and {@link #ledgerRetention()}.
     */
    public Duration ledgerRetention(int historyRetentionDays) {
        Duration history = Duration.ofDays(historyRetentionDays);
        return history.compareTo(ledgerRetention) > 0 ? history : ledgerRetention;
    }

    /** With other caps (tests, the command line). */
    public ReportSettings withCaps(int perRun, int perDestination) {
        return new ReportSettings(orgName, email, extraContactInfo, submitter, period, delay, formats, suppress, perRun,
                perDestination, sendToFailingDomains, maxAttempts, retryDelay, smtpHost, smtpPort, smtpTimeout, enabled,
                checkInterval, dns, ledgerRetention, outbox, inboundRetention);
    }

    /** Typed reading of one file's values, with one-line errors naming the file and the key. */
    record Values(Properties properties, Path file) {
        Optional<String> text(String key) {
            return Optional.ofNullable(properties.getProperty(key)).map(String::strip).filter(s -> !s.isEmpty());
        }

        int integer(String key, int defaultValue, int min, int max) {
            Optional<String> s = text(key);
            if (s.isEmpty()) {
                return defaultValue;
            }
            try {
                long n = Long.parseLong(s.get().replace("_", "").replace(",", ""));
                if (n >= min && n <= max) {
                    return (int) n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new SettingsException(file + ": " + key + " = '" + s.get() + "': expected a whole number from "
                    + min + " to " + max);
        }

        boolean bool(String key, boolean defaultValue) {
            Optional<String> s = text(key);
            if (s.isEmpty()) {
                return defaultValue;
            }
            if (s.get().equalsIgnoreCase("true") || s.get().equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(s.get());
            }
            throw new SettingsException(file + ": " + key + " = '" + s.get() + "': expected true or false");
        }

        Duration duration(String key, String defaultValue) {
            String s = text(key).orElse(defaultValue);
            try {
                Duration d = Duration.parse(s);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // below
            }
            throw new SettingsException(file + ": " + key + " = '" + s + "': expected an ISO-8601 duration such as "
                    + "PT24H or PT30M");
        }
    }
}
