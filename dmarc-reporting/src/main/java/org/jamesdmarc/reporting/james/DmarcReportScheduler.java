package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.UserDefinedStartable;
import org.apache.mailet.MailetContext;
import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.PolicyDiscovery;
import org.jamesdmarc.reporting.ExternalDestinationVerifier;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.ReportOutbound;
import org.jamesdmarc.reporting.delivery.ReportRun;
import org.jamesdmarc.reporting.delivery.RunResult;
import org.jamesdmarc.store.DmarcProperties;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the aggregate reports from inside James: a {@code guice.extension.startable} that runs a
 * {@link ReportRun} every {@code report.checkInterval} on one daemon thread, handing the reports to James's mailet
 * context ({@link MailetContextReportOutbound}). List it with the history module in
 * {@code conf/extensions.properties}:
 *
 * <pre>{@code
 * guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule
 * guice.extension.startable=org.jamesdmarc.reporting.james.DmarcReportScheduler
 * }</pre>
 *
 * <p>Configured by the {@code report.*} keys of {@code <james home>/conf/dmarc.properties}
 * ({@link ReportSettings} documents them all): {@code report.enabled} (default {@code true}; {@code false} leaves
 * this task idle), {@code report.checkInterval} (default {@code PT5M}), {@code report.period} and
 * {@code report.delay} (which periods are due), {@code report.orgName} and {@code report.email} (required when
 * enabled: James does not start without them), {@code report.dnsServers} and {@code report.dnsTimeout} (the DNS
 * of the RFC 9990 external destination verification: give it DmarcCheck's {@code dnsServers}). The database is the
 * history's ({@code db.*}, {@link ReportDatabase}).
 *
 * <p><b>How James 3.8.1 runs it</b> (checked in its sources): {@code UserStartables}, an initialization operation
 * of James's start-up, instantiates each {@code guice.extension.startable} through {@code GuiceGenericLoader}, that
 * is from the same child injector of the {@code guice.extension.module} modules the mailets are built from, and
 * calls {@link #start()}. So this class gets James's {@link MailetContext} and {@link MetricFactory} from James's
 * injector, and the history and the settings file ({@link DmarcProperties}, read once for the history's and the
 * report settings) from {@link DmarcHistoryModule} (which must be listed). James stops it through its {@code PreDestroyModule} ({@link #stop()}, {@code @PreDestroy}), before the
 * objects built earlier (the mailet container, the history).
 *
 * <p><b>Each run</b>: {@link ReportRun#periodsToPlan} (the due periods after the newest one planned, reaching back at
 * most {@link #maxCatchUp} periods' worth), then {@link ReportRun#send} under the database's run lock, so among
 * several James nodes on one database only one sends (the others find the lock taken and wait for their next
 * tick). A run that throws (database down, ...) is logged in one line and retried at the next tick; nothing stops
 * the thread but James's shutdown.
 *
 * <p><b>After a crash</b> (a James whose mail queues are in memory, {@code report.outbox} set): the first tick hands
 * to James again the report mail the outbox kept and the ledger has {@code handed_off} ({@link ReportOutbox}), before
 * its first run.
 *
 * <p>Metrics ({@link MetricFactory}): {@code dmarc_report_handed_off}, {@code dmarc_report_deferred},
 * {@code dmarc_report_failed}, {@code dmarc_report_run_failed}.
 */
@Singleton
public final class DmarcReportScheduler implements UserDefinedStartable {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcReportScheduler.class);

    static final String HANDED_OFF = "dmarc_report_handed_off";
    static final String DEFERRED = "dmarc_report_deferred";
    static final String FAILED = "dmarc_report_failed";
    static final String RUN_FAILED = "dmarc_report_run_failed";
    /** The first run comes this long after start at most (or after {@code report.checkInterval}, if shorter). */
    static final Duration FIRST_RUN_AFTER = Duration.ofSeconds(30);
    /** How many periods a first run (or one after a long stop) reaches back, at most. */
    static final int CATCH_UP_PERIODS = 48;
    /** ... and at most this long. */
    static final Duration MAX_CATCH_UP = Duration.ofDays(3);
    static final long STOP_WAIT_SECONDS = 10;

    private final ReportSettings settings;
    private final Supplier<JdbcHistoryStore> store;
    private final Runnable resetStore;
    private final ReportOutbound outbound;
    private final Recovery recovery;
    private volatile boolean recovered;
    private final Supplier<DestinationAuthorizer> authorizer;
    private final Clock clock;
    private final Metric handedOff;
    private final Metric deferred;
    private final Metric failed;
    private final Metric runFailed;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile ScheduledExecutorService executor;
    private volatile Reporter reporter;

    /** The report settings from the process's one read of {@code conf/dmarc.properties} ({@link DmarcProperties}). */
    @Inject
    public DmarcReportScheduler(DmarcProperties properties, ReportDatabase database, ReportOutbox outbox,
                                MailetContext mailetContext, MetricFactory metricFactory) {
        this(properties.reports(), database::store, database::reset,
                new MailetContextReportOutbound(mailetContext, outbox), null, metricFactory, Clock.systemUTC(),
                outbox.enabled() ? () -> outbox.resend(mailetContext, new ReportLedger(database.store()))
                        : Recovery.NONE);
    }

    /** The start-up hand-over of what the outbox kept ({@link ReportOutbox#resend}). */
    @FunctionalInterface
    interface Recovery {
        Recovery NONE = () -> new ReportOutbox.Resent(0, 0, 0);

        ReportOutbox.Resent run() throws Exception;
    }

    DmarcReportScheduler(ReportSettings settings, Supplier<JdbcHistoryStore> store, Runnable resetStore,
                         ReportOutbound outbound, DestinationAuthorizer authorizer, MetricFactory metricFactory,
                         Clock clock) {
        this(settings, store, resetStore, outbound, authorizer, metricFactory, clock, Recovery.NONE);
    }

    /**
     * @param authorizer the destination check; {@code null}: RFC 9990's through DNS ({@code report.dnsServers})
     */
    DmarcReportScheduler(ReportSettings settings, Supplier<JdbcHistoryStore> store, Runnable resetStore,
                         ReportOutbound outbound, DestinationAuthorizer authorizer, MetricFactory metricFactory,
                         Clock clock, Recovery recovery) {
        this.recovery = Objects.requireNonNull(recovery, "recovery");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.resetStore = Objects.requireNonNull(resetStore, "resetStore");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.authorizer = authorizer != null ? () -> authorizer : new DnsAuthorizer(settings);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.handedOff = metricFactory.generate(HANDED_OFF);
        this.deferred = metricFactory.generate(DEFERRED);
        this.failed = metricFactory.generate(FAILED);
        this.runFailed = metricFactory.generate(RUN_FAILED);
    }

    /** The DNS authorizer, built at the first run (the DNS client is not made when reports are disabled). */
    private static final class DnsAuthorizer implements Supplier<DestinationAuthorizer> {
        private final ReportSettings settings;
        private DestinationAuthorizer authorizer;

        DnsAuthorizer(ReportSettings settings) {
            this.settings = settings;
        }

        @Override
        public synchronized DestinationAuthorizer get() {
            if (authorizer == null) {
                DnsjavaClient dns = new DnsjavaClient(settings.dns());
                authorizer = DestinationAuthorizer.dns(new PolicyDiscovery(dns, DiscoveryMode.TREEWALK,
                        Optional.empty()), new ExternalDestinationVerifier(dns));
            }
            return authorizer;
        }
    }

    /**
     * Starts the task (James calls it once at start-up): one daemon thread, a first run after
     * {@code min(report.checkInterval, 30 s)}, then one {@code report.checkInterval} after each run ends.
     *
     * @throws org.jamesdmarc.store.SettingsException when reports are enabled but {@code report.orgName} or
     *                                               {@code report.email} is missing or wrong: James does not start
     */
    @Override
    public void start() {
        if (!settings.enabled()) {
            LOG.info("DMARC reports: {}=false, the report task stays idle", ReportSettings.ENABLED);
            return;
        }
        if (!started.compareAndSet(false, true)) {
            return;
        }
        reporter = ReportRun.reporter(settings);
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dmarc-report-scheduler");
            t.setDaemon(true);
            return t;
        });
        executor = e;
        Duration interval = settings.checkInterval();
        Duration first = interval.compareTo(FIRST_RUN_AFTER) < 0 ? interval : FIRST_RUN_AFTER;
        e.scheduleWithFixedDelay(this::tick, first.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("DMARC reports: sending as {} <{}> every {}: period {}, built {} after it ends, checked every {}",
                reporter.orgName(), reporter.email(), settings.period(), settings.period(), settings.delay(), interval);
    }

    /**
     * One tick of the thread: the outbox's hand-over until it succeeded once, then a run; never throws (an exception
     * would end the schedule).
     */
    private void tick() {
        try {
            recoverOnce();
            runOnce();
        } catch (Exception | Error e) {
            runFailed.increment();
            LOG.warn("DMARC reports: run failed, retried in {}: {}", settings.checkInterval(), e.toString());
            resetStore.run();
        }
    }

    /**
     * At the first tick (and the next ones until it succeeds): hands to James again the reports the outbox kept that
     * James had taken and not delivered when it stopped ({@link ReportOutbox#resend}); before any run, so a run never
     * sends a row the outbox still holds as {@code handed_off}.
     */
    void recoverOnce() throws Exception {
        if (recovered) {
            return;
        }
        ReportOutbox.Resent r = recovery.run();
        recovered = true;
        if (r.resent() + r.removed() + r.left() > 0) {
            LOG.info("DMARC reports: outbox at start-up: {} handed to James again, {} already done removed, {} left "
                    + "to the report runs", r.resent(), r.removed(), r.left());
        }
    }

    /** One report run now, on the caller's thread. */
    RunResult runOnce() {
        Reporter r = reporter != null ? reporter : ReportRun.reporter(settings);
        ReportRun run = new ReportRun(store.get(), r, settings, authorizer.get(), clock)
                .logTo(line -> LOG.info("DMARC reports: {}", line));
        List<ReportPeriod> periods = run.periodsToPlan(maxCatchUp(settings.period()));
        RunResult result = run.send(periods, Optional.empty(), outbound);
        handedOff.add((int) Math.min(Integer.MAX_VALUE, result.handedOff()));
        deferred.add((int) Math.min(Integer.MAX_VALUE, result.deferred()));
        failed.add((int) Math.min(Integer.MAX_VALUE, result.failed()));
        if (result.outcome() == RunResult.Outcome.LOCKED_ELSEWHERE) {
            LOG.debug("DMARC reports: another node holds the report run lock");
        } else if (result.planned() + result.handedOff() + result.deferred() + result.failed()
                + result.suppressed() + result.leftForNextRun() > 0
                || result.outcome() != RunResult.Outcome.COMPLETED) {
            LOG.info("DMARC reports: run {}: planned {}, handed off {}, deferred {}, failed {}, suppressed {}, "
                    + "left for the next run {}", result.outcome().name().toLowerCase(java.util.Locale.ROOT),
                    result.planned(), result.handedOff(), result.deferred(), result.failed(), result.suppressed(),
                    result.leftForNextRun());
        }
        return result;
    }

    /** How far back a run plans: {@value #CATCH_UP_PERIODS} periods, at most {@link #MAX_CATCH_UP}. */
    static Duration maxCatchUp(Duration period) {
        Duration periods = period.multipliedBy(CATCH_UP_PERIODS);
        return periods.compareTo(MAX_CATCH_UP) < 0 ? periods : MAX_CATCH_UP;
    }

    /** Whether the thread runs. */
    boolean running() {
        ScheduledExecutorService e = executor;
        return e != null && !e.isShutdown();
    }

    /**
     * Stops the task when James stops: no new run starts; a run under way is interrupted after
     * {@value #STOP_WAIT_SECONDS} s (its rows stay {@code sending} and are resent with the same identifiers by the
     * next run, on this node or another). Idempotent.
     */
    @PreDestroy
    public void stop() {
        ScheduledExecutorService e = executor;
        if (e == null || e.isShutdown()) {
            return;
        }
        e.shutdown();
        try {
            if (!e.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                e.shutdownNow();
            }
        } catch (InterruptedException x) {
            e.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("DMARC reports: report task stopped");
    }
}
