package org.jamesdmarc.reporting.james;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import javax.inject.Singleton;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.MailetContext;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.store.DmarcProperties;
import org.jamesdmarc.check.FailureReportSink;
import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.PolicyDiscovery;
import org.jamesdmarc.reporting.ExternalDestinationVerifier;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.ReportRun;
import org.jamesdmarc.reporting.failure.AttachedContent;
import org.jamesdmarc.reporting.failure.FailureReportOptions;
import org.jamesdmarc.reporting.failure.FailureReporter;
import org.jamesdmarc.reporting.failure.LocalPartRedactor;
import org.jamesdmarc.store.DmarcSettings;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.FailureReportLog;
import org.jamesdmarc.store.FailureReportSettings;
import org.jamesdmarc.store.ReportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;

/**
 * Binds the James process's one evaluation history. List it in {@code conf/extensions.properties}:
 *
 * <pre>{@code
 * guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule
 * }</pre>
 *
 * <p>James 3.8.1 builds one child injector from the {@code guice.extension.module} list, once (its
 * {@code GuiceGenericLoader} is a singleton), and instantiates the mailets, matchers and SMTP hooks of
 * {@code mailetcontainer.xml} and {@code smtpserver.xml} from it, so the singletons bound here are shared by all of
 * them: {@link DmarcHistory} and {@code DmarcMessageHook} record into the same history.
 *
 * <p>Bindings (created with the injector, at James's start-up):
 * <ul>
 *   <li>{@link EvaluationSink} and {@link EvaluationHistory}: one instance, built from
 *       {@code <james home>/conf/dmarc.properties} ({@link DmarcSettings}; the home is James's
 *       {@link JamesDirectoriesProvider#getRootDirectory()}) and the {@code DMARC_DB_*} environment variables. A
 *       wrong setting stops James with a one-line error naming the key; a database that is down or refuses the
 *       credentials does not (records are journaled, the store retried).</li>
 *   <li>Metrics through James's {@link MetricFactory}: {@code dmarc_history_queued}, {@code _written},
 *       {@code _journaled}, {@code _dropped}, {@code _replayed}; with failure reports on, {@link FailureReportMetrics}
 *       ({@code dmarc_failure_reports_sent}, {@code _rate_limited}, {@code _unauthorized}, {@code _duplicate},
 *       {@code _failed}, {@code _dropped}).</li>
 *   <li>{@link DmarcProperties}: the one read of {@code conf/dmarc.properties}, from which the history's settings
 *       and the report settings ({@link DmarcProperties#reports()}) are both built.</li>
 *   <li>Retention: when {@code history.retentionDays} is above 0, records older than that are deleted
 *       {@value HistoryLifecycle#RETENTION_FIRST_DELAY_MINUTES} minutes after start and then once a day, on one daemon
 *       thread, and so are the report delivery ledger's periods older than the longer of that and
 *       {@code report.ledgerRetention}.</li>
 *   <li>The core's SMTP hook {@code org.jamesdmarc.james.DmarcMessageHook} and check mailet
 *       {@code org.jamesdmarc.james.DmarcCheck}, bound in this injector so that their optional {@link EvaluationSink}
 *       and {@link FailureReportSink} are injected (left to Guice, their bindings would be made in James's root
 *       injector, which has neither).</li>
 *   <li>{@link HistoryFiles}: the OpenDMARC-format history files of {@link DmarcHistory}'s {@code historyFile}
 *       parameter, one writer per file for the process.</li>
 *   <li>Shutdown, tied to James's lifecycle ({@link HistoryLifecycle}): when James stops, after its mailet
 *       container and SMTP servers, the history is flushed to the database, or left in the journal for the next
 *       start; a JVM shutdown hook does it when James's lifecycle did not.</li>
 * </ul>
 */
public final class DmarcHistoryModule extends AbstractModule {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcHistoryModule.class);

    /** The core's SMTP hook, which records its rejections through an optionally injected {@link EvaluationSink}. */
    static final String SMTP_HOOK = "org.jamesdmarc.james.DmarcMessageHook";
    /** The core's check mailet, which offers failed mail through an optionally injected {@link FailureReportSink}. */
    static final String CHECK_MAILET = "org.jamesdmarc.james.DmarcCheck";

    private final Map<String, String> environment;

    /** The module James instantiates: settings from the process environment. */
    public DmarcHistoryModule() {
        this(System.getenv());
    }

    /** A module reading {@code DMARC_DB_*} from {@code environment} (tests). */
    DmarcHistoryModule(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    @Override
    protected void configure() {
        // Started with the injector, not with the first mailet that asks: a wrong setting stops James at start-up,
        // and the journal left by the last run is replayed even before mail arrives.
        bind(HistoryLifecycle.class).asEagerSingleton();
        // Here, not left to Guice: its dependencies are all James's, so Guice would bind it in James's root injector.
        bind(HistoryFiles.class).in(Singleton.class);
        bindHere(SMTP_HOOK);
        bindHere(CHECK_MAILET);
    }

    /**
     * Binds {@code className} in this (the extension) injector. Guice creates a just-in-time binding in the highest
     * ancestor injector that has every required dependency: for the SMTP hook, whose only required one is James's
     * {@code MetricFactory}, that is James's root injector, where no {@link EvaluationSink} is bound, so its
     * optional sink would silently stay unset. Bound here, it gets the history. By name: this package does not
     * import the core's James adapters ({@code ReportingLayeringTest}); absent, there is nothing to bind.
     */
    private void bindHere(String className) {
        try {
            bind(Class.forName(className, false, DmarcHistoryModule.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("{} not on the class path, not bound: {}", className, e.toString());
        }
    }

    /**
     * The one read of {@code conf/dmarc.properties} of the process: the history's settings and the report settings
     * ({@link DmarcProperties#reports()}) both come from it.
     */
    @Provides
    @Singleton
    DmarcProperties dmarcProperties(JamesDirectoriesProvider directories) {
        return DmarcProperties.read(Path.of(directories.getRootDirectory()));
    }

    @Provides
    @Singleton
    EvaluationHistory evaluationHistory(DmarcProperties properties, MetricFactory metricFactory) {
        DmarcSettings settings = properties.history(environment);
        properties.reports(); // a wrong report.* key stops James here too, before the history starts
        properties.failures(); // and a wrong failure.* key
        settings.warnings().forEach(LOG::warn);
        return EvaluationHistory.start(settings, new HistoryMetrics(metricFactory));
    }

    @Provides
    @Singleton
    EvaluationSink evaluationSink(EvaluationHistory history) {
        return history;
    }

    /**
     * The failure report sink of the SMTP hook and the DmarcCheck mailet (issue 11, RFC 9991): {@link FailureReportSink#DISCARD} unless
     * {@code failure.enabled=true} ({@link FailureReportSettings}); then a {@link FailureReporter} reporting as
     * {@code report.orgName}/{@code report.email} (missing: James does not start), verifying destinations through
     * {@code report.dnsServers}, counting rate limits and logging in the report database ({@link ReportDatabase}),
     * sending through James's mailet context with the report marker ({@link MailetContextFailureReportOutbound}).
     */
    @Provides
    @Singleton
    FailureReportSink failureReportSink(DmarcProperties properties, Provider<ReportDatabase> database,
                                        MetricFactory metricFactory, com.google.inject.Injector injector) {
        FailureReportSettings settings = properties.failures();
        if (!settings.enabled()) {
            return FailureReportSink.DISCARD;
        }
        ReportSettings report = properties.reports();
        DnsjavaClient dns = new DnsjavaClient(report.dns());
        DestinationAuthorizer authorizer = DestinationAuthorizer.dns(new PolicyDiscovery(dns, DiscoveryMode.TREEWALK,
                java.util.Optional.empty()), new ExternalDestinationVerifier(dns));
        FailureReportOptions defaults = FailureReportOptions.defaults();
        FailureReportOptions options = new FailureReportOptions(settings.wholeMessage() ? AttachedContent.MESSAGE
                : AttachedContent.HEADERS, settings.redactSender(), defaults.userAgent());
        FailureReporter reporter = new FailureReporter(ReportRun.reporter(report), options,
                LocalPartRedactor.withSecret(settings.secret(LocalPartRedactor::generateSecret)),
                () -> new FailureReportLog(database.get().store()), settings.limits(), authorizer,
                // Looked up when the first report goes: James binds its MailetContext; an injector without one (tests,
                // a James without a mailet container) fails only then, and only that report.
                message -> new MailetContextFailureReportOutbound(injector.getInstance(MailetContext.class))
                        .handOff(message),
                java.time.Clock.systemUTC(), settings.queueSize(), new FailureReportMetrics(metricFactory));
        LOG.info("DMARC failure reports enabled: at most {} per destination and {} per policy domain per {}, {}",
                settings.limits().perDestination(), settings.limits().perDomain(), settings.limits().window(),
                settings.wholeMessage() ? "whole messages" : "header sections");
        return reporter;
    }
}
