package org.jamesdmarc.reporting.failure;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.FailedMessage;
import org.jamesdmarc.check.FailureReportSink;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.FailureReportDecision;
import org.jamesdmarc.policy.FailureReportType;
import org.jamesdmarc.policy.ReportUri;
import org.jamesdmarc.policy.SpfAlignment;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.delivery.ReportDestination;
import org.jamesdmarc.store.FailureReportLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the failure reports a {@link FailedMessage} asks for, James-free: the {@link FailureReportSink} of a running
 * James (bound by the reporting module) and of tests. {@link #offer} queues the message (bounded; a full queue drops
 * it and counts it) for one worker thread, which for each report type and each {@code ruf} {@code mailto:}
 * destination (RFC 9991 §3: each of them):
 * <ol>
 *   <li>verifies the destination ({@link DestinationAuthorizer}: RFC 9990 "Verifying External Destinations" with
 *       {@code ruf} for {@code rua}, RFC 9991 §4); a refused or unverifiable one is logged {@code unauthorized};</li>
 *   <li>logs the report ({@link FailureReportLog#begin}): a report of this type for this message and destination
 *       already logged, by this node or another, is not sent again;</li>
 *   <li>takes a slot of the rate limits ({@link FailureReportLog#acquire}; RFC 9991 §4.1 and §7.1);</li>
 *   <li>composes it ({@link FailureReportMail}) and hands it to the {@link FailureReportOutbound}.</li>
 * </ol>
 * Never throws into the mail path; a database or DNS failure drops that report (logged, counted {@code failed}).
 */
public final class FailureReporter implements FailureReportSink, AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(FailureReporter.class);

    private final Reporter reporter;
    private final FailureReportOptions options;
    private final LocalPartRedactor redactor;
    private final Supplier<FailureReportLog> logs;
    private final FailureReportLog.RateLimits limits;
    private final DestinationAuthorizer authorizer;
    private final FailureReportOutbound outbound;
    private final Clock clock;
    private final ThreadPoolExecutor worker;
    private final Counters counters = new Counters();
    private final FailureReportListener listener;

    /** What happened to the reports so far (for metrics and tests). */
    public static final class Counters {
        final LongAdder sent = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder unauthorized = new LongAdder();
        final LongAdder duplicate = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder dropped = new LongAdder();

        /** Reports handed to the outbound path. */
        public long sent() {
            return sent.sum();
        }

        /** Reports not sent because of a rate limit. */
        public long rateLimited() {
            return rateLimited.sum();
        }

        /** Reports not sent to an unverified external destination. */
        public long unauthorized() {
            return unauthorized.sum();
        }

        /** Reports already logged for this message (another path or node). */
        public long duplicate() {
            return duplicate.sum();
        }

        /** Reports that failed (composition, hand-off, database, unusable destination). */
        public long failed() {
            return failed.sum();
        }

        /** Messages dropped because the queue was full. */
        public long dropped() {
            return dropped.sum();
        }
    }

    /**
     * @param logs          the database's log and rate limits, asked for each message (inside James: the lazily opened
     *                      report database; a failure to open it drops that message's reports, counted failed)
     * @param queueCapacity how many failed messages may wait for the worker; more are dropped
     */
    public FailureReporter(Reporter reporter, FailureReportOptions options, LocalPartRedactor redactor,
                           Supplier<FailureReportLog> logs, FailureReportLog.RateLimits limits, DestinationAuthorizer authorizer,
                           FailureReportOutbound outbound, Clock clock, int queueCapacity) {
        this(reporter, options, redactor, logs, limits, authorizer, outbound, clock, queueCapacity,
                FailureReportListener.NONE);
    }

    /** As the other constructor, telling {@code listener} what becomes of each report (metrics). */
    public FailureReporter(Reporter reporter, FailureReportOptions options, LocalPartRedactor redactor,
                           Supplier<FailureReportLog> logs, FailureReportLog.RateLimits limits, DestinationAuthorizer authorizer,
                           FailureReportOutbound outbound, Clock clock, int queueCapacity,
                           FailureReportListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.options = Objects.requireNonNull(options, "options");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
            Thread t = new Thread(r, "dmarc-failure-reports");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    public Counters counters() {
        return counters;
    }

    /** Counts {@code event} and tells the listener; a failing listener changes nothing. */
    private void count(FailureReportListener.Event event) {
        switch (event) {
            case SENT -> counters.sent.increment();
            case RATE_LIMITED -> counters.rateLimited.increment();
            case UNAUTHORIZED -> counters.unauthorized.increment();
            case DUPLICATE -> counters.duplicate.increment();
            case FAILED -> counters.failed.increment();
            case DROPPED -> counters.dropped.increment();
        }
        try {
            listener.on(event);
        } catch (RuntimeException e) {
            // metrics are best effort
        }
    }

    @Override
    public void offer(FailedMessage message) {
        try {
            // Headers only: the queue keeps the header section, not a message of megabytes.
            FailedMessage queued = options.content() == AttachedContent.HEADERS ? headersOnly(message) : message;
            worker.execute(() -> process(queued));
        } catch (RejectedExecutionException e) {
            count(FailureReportListener.Event.DROPPED);
        } catch (RuntimeException e) {
            count(FailureReportListener.Event.DROPPED);
            LOGGER.warn("DMARC failure reports: could not queue a message", e);
        }
    }

    /** {@code m} with its message cut after the header section ({@link HeaderSection}). */
    static FailedMessage headersOnly(FailedMessage m) {
        int end = HeaderSection.parse(m.message()).byteLength();
        if (end >= m.message().length) {
            return m;
        }
        return new FailedMessage(m.key(), m.time(), m.outcome(), m.decision(), m.mailFrom(),
                java.util.Arrays.copyOf(m.message(), end), m.action());
    }

    /** Waits until the queued messages are processed, at most {@code timeoutMillis} (tests, shutdown). */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (worker.getActiveCount() > 0 || !worker.getQueue().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() {
        worker.shutdown();
    }

    /** Every report {@code m} asks for, on this thread. */
    void process(FailedMessage m) {
        Optional<DomainName> author = m.outcome().evaluation().authorDomain();
        Optional<DomainName> policyDomain = m.outcome().evaluation().policyDomain();
        if (author.isEmpty() || policyDomain.isEmpty()) {
            return;
        }
        FailureReportLog log;
        try {
            log = logs.get();
        } catch (RuntimeException e) {
            count(FailureReportListener.Event.FAILED);
            LOGGER.warn("DMARC failure reports about {}: no database, not sent: {}", policyDomain.get().name(),
                    e.toString());
            return;
        }
        EnumSet<FailureReportType> types = EnumSet.copyOf(m.decision().types());
        for (FailureReportType type : types) {
            for (ReportUri uri : m.decision().destinations()) {
                try {
                    send(log, m, type, author.get(), policyDomain.get(), uri);
                } catch (RuntimeException e) {
                    count(FailureReportListener.Event.FAILED);
                    LOGGER.warn("DMARC failure report ({}) about {} to {} failed: {}", type.authFailure(),
                            policyDomain.get().name(), uri.uri(), e.toString());
                }
            }
        }
    }

    private void send(FailureReportLog log, FailedMessage m, FailureReportType type, DomainName author,
                      DomainName policyDomain, ReportUri uri) {
        Optional<ReportDestination> parsed = ReportDestination.parse(uri.uri());
        if (parsed.isEmpty()) {
            count(FailureReportListener.Event.FAILED); // not mailto:, or an address we would not write: RFC 9990 says ignore it
            return;
        }
        ReportDestination destination = parsed.get();
        Instant now = clock.instant();
        FailureReportLog.Key key = new FailureReportLog.Key(m.key().value(), type.authFailure(), destination.address());
        if (!log.begin(key, policyDomain.name(), now)) {
            count(FailureReportListener.Event.DUPLICATE);
            return;
        }
        // RFC 9991 §4: external destinations MUST be verified as RFC 9990 says, with ruf for rua.
        DestinationAuthorizer.Authorization auth = authorizer.authorize(policyDomain, destination.host());
        if (!(auth instanceof DestinationAuthorizer.Authorization.Allowed)) {
            String why = auth instanceof DestinationAuthorizer.Authorization.Refused r ? r.reason()
                    : ((DestinationAuthorizer.Authorization.TryLater) auth).reason();
            log.finish(key, FailureReportLog.Outcome.UNAUTHORIZED, Optional.of(why), now);
            count(FailureReportListener.Event.UNAUTHORIZED);
            return;
        }
        FailureReportLog.RateDecision rate = log.acquire(policyDomain.name(), destination.address(), now, limits);
        if (rate != FailureReportLog.RateDecision.ALLOWED) {
            log.finish(key, FailureReportLog.Outcome.RATE_LIMITED, Optional.of(rate.name().toLowerCase(
                    java.util.Locale.ROOT)), now);
            count(FailureReportListener.Event.RATE_LIMITED);
            return;
        }
        FailureReportMessage message = FailureReportMail.compose(reporter, report(m, type, author), destination.address(),
                options, redactor, now);
        HandOff result = outbound.handOff(message);
        if (result instanceof HandOff.Accepted) {
            log.finish(key, FailureReportLog.Outcome.SENT, Optional.of(message.messageId()), clock.instant());
            count(FailureReportListener.Event.SENT);
        } else {
            String why = result instanceof HandOff.Deferred d ? d.reason() : ((HandOff.Failed) result).reason();
            log.finish(key, FailureReportLog.Outcome.FAILED, Optional.of(why), clock.instant());
            count(FailureReportListener.Event.FAILED);
        }
    }

    /** The content of one report of {@code type} about {@code m}. */
    static FailureReport report(FailedMessage m, FailureReportType type, DomainName author) {
        FailureReportDecision.AlignedFailures failures = m.decision().failures();
        Optional<DkimOutcome> dkim = switch (type) {
            // RFC 6591 §3.2 for a DKIM report: the signature that failed, aligned or not.
            case DKIM -> failures.dkim().map(DkimAlignment::outcome).or(() -> m.outcome().evaluation().dkim().stream()
                    .map(DkimAlignment::outcome)
                    .filter(d -> d.result() == DkimResult.FAIL || d.result() == DkimResult.PERMERROR).findFirst());
            default -> failures.dkim().map(DkimAlignment::outcome);
        };
        Optional<SpfOutcome> spf = switch (type) {
            // RFC 6591 §3.2 for an SPF report: the SPF check that failed, aligned or not.
            case SPF -> failures.spf().map(SpfAlignment::outcome).or(() -> Optional.of(m.outcome().evaluation().spf()
                    .outcome()).filter(s -> s.result() == SpfResult.FAIL || s.result() == SpfResult.PERMERROR));
            default -> failures.spf().map(SpfAlignment::outcome);
        };
        // RFC 6591 §3.2 SPF-DNS: the record as retrieved, which the SPF check kept when it did not pass.
        return new FailureReport(type, author, m.outcome().client().address(), m.time(), m.mailFrom(),
                m.outcome().authenticationResults(), failures.identityAlignment(), dkim, spf,
                spf.flatMap(SpfOutcome::record), m.action().map(FailureReporter::deliveryResult), m.message());
    }

    /** RFC 6591 §3.1 Delivery-Result of what we did. */
    static DeliveryResult deliveryResult(ActionTaken action) {
        return switch (action) {
            case DELIVERED -> DeliveryResult.DELIVERED;
            case QUARANTINED, TAGGED -> DeliveryResult.SPAM;
            case REJECTED_AT_SMTP -> DeliveryResult.REJECT;
        };
    }
}
