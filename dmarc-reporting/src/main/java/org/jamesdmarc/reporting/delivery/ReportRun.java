package org.jamesdmarc.reporting.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.reporting.aggregate.AggregateReportBuilder;
import org.jamesdmarc.reporting.aggregate.ReportFormat;
import org.jamesdmarc.reporting.aggregate.ReportId;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportLedger.Entry;
import org.jamesdmarc.store.ReportLedger.State;
import org.jamesdmarc.store.ReportPolicy;
import org.jamesdmarc.store.ReportRollup;
import org.jamesdmarc.store.ReportRunLock;
import org.jamesdmarc.store.ReportSettings;
import org.jamesdmarc.store.SettingsException;

/**
 * One report run: under the database's run lock ({@link ReportRunLock}: one runner among James nodes and the
 * {@code dmarc} command), plans each period once (a ledger row per policy domain and {@code mailto:} destination,
 * with its identifiers; {@code suppressed} rows for what is never sent), then hands off every due row, recording
 * the intent before ({@link ReportLedger#claim}) and the outcome after. A run killed at any point is resumed by the
 * next one without gaps; only a row claimed but not yet recorded is sent again, with the same identifiers.
 *
 * <p>Not a report cannon: the suppression list ({@code report.suppress}); no report for a policy domain none of
 * whose mail passed DMARC in the period (forged mail's records must not steer our outbound mail) unless
 * {@code report.sendToFailingDomains}; at most {@value #MAX_DESTINATIONS} destinations per domain;
 * {@code report.maxPerRun} and {@code report.maxPerDestination} hand-offs per run; external destinations verified
 * (RFC 9990) before each hand-off; a destination's {@code !size} limit honoured; temporary failures retried with
 * doubling delays up to {@code report.maxAttempts}, then failed.
 *
 * <pre>
 * ReportRun run = new ReportRun(store, ReportRun.reporter(settings), settings, authorizer, Clock.systemUTC());
 * RunResult r = run.send(run.duePeriods(lastPlannedOrNone), Optional.empty(), outbound);
 * </pre>
 */
public final class ReportRun {

    /** RFC 9990 "Report Delivery": "up to the Receiver's limits on supported URIs". */
    public static final int MAX_DESTINATIONS = 10;
    private static final int PAGE = 500;
    private static final Duration MAX_RETRY_DELAY = Duration.ofHours(12);

    private final JdbcHistoryStore store;
    private final ReportLedger ledger;
    private final AggregateReportBuilder builder;
    private final ReportCounterReader reader;
    private final Reporter reporter;
    private final ReportSettings settings;
    private final DestinationAuthorizer authorizer;
    private final Clock clock;
    private Consumer<String> log = s -> { };

    public ReportRun(JdbcHistoryStore store, Reporter reporter, ReportSettings settings,
                     DestinationAuthorizer authorizer, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ledger = new ReportLedger(store);
        this.reader = new ReportCounterReader(store);
        this.builder = new AggregateReportBuilder(reader, reporter);
    }

    /** Where progress lines go (one per hand-off and per suppressed destination); nowhere by default. */
    public ReportRun logTo(Consumer<String> sink) {
        this.log = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * The reporter {@code settings} name.
     *
     * @throws SettingsException when {@code report.orgName} or {@code report.email} is missing
     */
    public static Reporter reporter(ReportSettings settings) {
        String org = settings.orgName().orElseThrow(() -> new SettingsException(ReportSettings.ORG_NAME
                + " is not set: reports need the organization's name"));
        String email = settings.email().orElseThrow(() -> new SettingsException(ReportSettings.EMAIL
                + " is not set: reports need a contact and From address"));
        String submitter = settings.submitterDomain().orElseThrow();
        DomainName receiver = DomainName.parse(submitter).orElseThrow(() -> new SettingsException(
                ReportSettings.SUBMITTER + " = '" + submitter + "': not a domain name"));
        try {
            ReportMail.requireAddress(email);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(ReportSettings.EMAIL + ": " + e.getMessage());
        }
        return new Reporter(org, email, settings.extraContactInfo(), receiver, Reporter.defaultGenerator());
    }

    /**
     * The periods of {@code report.period} that ended at least {@code report.delay} before now, from the one
     * containing {@code from} on, and not before; the newest such period when {@code from} is empty.
     */
    public List<ReportPeriod> duePeriods(Optional<Instant> from) {
        Instant horizon = clock.instant().minus(settings.delay());
        ReportPeriod last = ReportPeriod.containing(horizon, settings.period());
        List<ReportPeriod> out = new ArrayList<>();
        if (from.isEmpty()) {
            ReportPeriod previous = new ReportPeriod(last.begin().minus(settings.period()), last.begin());
            out.add(previous);
            return out;
        }
        for (ReportPeriod p = ReportPeriod.containing(from.get(), settings.period()); !p.end().isAfter(horizon);
                p = p.next()) {
            out.add(p);
        }
        return out;
    }

    /**
     * For a scheduler: the due periods after the newest one planned completely, reaching back at most
     * {@code maxCatchUp} before the horizon (now − {@code report.delay}; the period containing that point
     * included), so that periods missed while no node ran are reported too, and nothing much older is started.
     */
    public List<ReportPeriod> periodsToPlan(Duration maxCatchUp) {
        Instant earliest = clock.instant().minus(settings.delay()).minus(maxCatchUp);
        Optional<Instant> newestPlanned = ledger.periods(1).stream().filter(ReportLedger.PeriodSummary::planned)
                .findFirst().map(p -> Instant.ofEpochSecond(p.end()));
        Instant from = newestPlanned.filter(t -> t.isAfter(earliest)).orElse(earliest);
        return duePeriods(Optional.of(from)); // from the period containing it: the newest planned one's successor
    }

    /**
     * Plans {@code periods} (those not planned yet) and hands off every due row of the ledger (of
     * {@code onlyDomain} when given: then its rows are planned, the periods are not marked planned).
     */
    public RunResult send(List<ReportPeriod> periods, Optional<DomainName> onlyDomain, ReportOutbound outbound) {
        Objects.requireNonNull(outbound, "outbound");
        Optional<ReportRunLock> taken = ReportRunLock.tryAcquire(store);
        if (taken.isEmpty()) {
            log.accept("another runner holds the report run lock: nothing to do");
            return RunResult.lockedElsewhere();
        }
        try (ReportRunLock lock = taken.get()) {
            rollUp();
            long planned = 0;
            for (ReportPeriod period : periods) {
                planned += plan(period, onlyDomain);
            }
            return handOffDue(lock, onlyDomain, outbound, planned);
        }
    }

    /**
     * Counts every message stored so far before a period is read: late ones (a journal replayed after an outage)
     * included. Keyed by {@code report.period}, the slice the periods are made of.
     */
    private void rollUp() {
        ReportRollup.Result rolled = new ReportRollup(store, settings.period()).rollUp();
        if (rolled.messages() > 0) {
            log.accept("rolled up " + rolled.messages() + " messages into the report counters in "
                    + rolled.took().toMillis() + " ms");
        }
    }

    /** Plans one period into the ledger (once; a crash while planning is completed next time). */
    private long plan(ReportPeriod period, Optional<DomainName> onlyDomain) {
        long begin = period.begin().getEpochSecond();
        long end = period.end().getEpochSecond();
        if (ledger.planned(begin, end)) {
            return 0;
        }
        Set<ReportLedger.Key> existing = ledger.keys(begin);
        Instant now = clock.instant();
        List<Entry> batch = new ArrayList<>();
        long[] count = {0, 0};
        Consumer<ReportPolicy> planOne = p -> {
            count[0]++;
            for (Entry e : planDomain(p, period, now)) {
                if (!existing.contains(e.key())) {
                    batch.add(e);
                    count[1]++;
                }
            }
            if (batch.size() >= PAGE) {
                ledger.insert(batch);
                batch.clear();
            }
        };
        if (onlyDomain.isPresent()) {
            reader.policy(onlyDomain.get(), period.begin(), period.end()).ifPresent(planOne);
        } else {
            builder.forEachDomain(period, planOne);
        }
        ledger.insert(batch);
        if (onlyDomain.isEmpty()) {
            ledger.markPlanned(begin, end, count[0], now);
        }
        return count[1];
    }

    /** The ledger rows of one domain's period: pending for each usable destination, suppressed with a reason. */
    List<Entry> planDomain(ReportPolicy policy, ReportPeriod period, Instant now) {
        DomainName domain = policy.policyDomain();
        ReportId id = ReportId.of(reporter.receiver(), domain, period);
        String fileName = ReportId.fileName(reporter.receiver(), domain, period, true);
        List<Entry> out = new ArrayList<>();
        List<String> rua = policy.published().rua();
        if (rua.isEmpty()) {
            return out; // RFC 9989: no rua, no aggregate report wanted
        }
        Optional<String> domainSuppressed = suppressedDomain(domain)
                .map(s -> "the policy domain is on " + ReportSettings.SUPPRESS + " (" + s + ")");
        if (domainSuppressed.isEmpty() && !settings.sendToFailingDomains() && policy.dmarcPass() == 0) {
            domainSuppressed = Optional.of("none of the domain's " + policy.messages() + " messages in the period "
                    + "passed DMARC (" + ReportSettings.SEND_TO_FAILING + "=false)");
        }
        if (domainSuppressed.isPresent()) {
            out.add(entry(period, domain, ReportLedger.NO_DESTINATION, State.SUPPRESSED, domainSuppressed, id,
                    fileName, OptionalLong.empty(), ReportFormat.RFC9990, now));
            return out;
        }
        Map<String, ReportDestination> destinations = new LinkedHashMap<>();
        for (String uri : rua) {
            ReportDestination.parse(uri).ifPresent(d -> destinations.putIfAbsent(d.address().toLowerCase(Locale.ROOT), d));
        }
        if (destinations.isEmpty()) {
            out.add(entry(period, domain, ReportLedger.NO_DESTINATION, State.SUPPRESSED,
                    Optional.of("no usable mailto: destination in rua=" + String.join(",", rua)), id, fileName,
                    OptionalLong.empty(), ReportFormat.RFC9990, now));
            return out;
        }
        int n = 0;
        for (ReportDestination d : destinations.values()) {
            ReportFormat format = format(d);
            if (++n > MAX_DESTINATIONS) {
                out.add(entry(period, domain, d.address(), State.SUPPRESSED, Optional.of("more than "
                        + MAX_DESTINATIONS + " destinations"), id, fileName, d.sizeLimit(), format, now));
                continue;
            }
            Optional<String> suppressed = suppressedAddress(d)
                    .map(s -> "the destination is on " + ReportSettings.SUPPRESS + " (" + s + ")");
            out.add(entry(period, domain, d.address(), suppressed.isPresent() ? State.SUPPRESSED : State.PENDING,
                    suppressed, id, fileName, d.sizeLimit(), format, now));
        }
        return out;
    }

    private Entry entry(ReportPeriod period, DomainName domain, String destination, State state,
                        Optional<String> reason, ReportId id, String fileName, OptionalLong sizeLimit,
                        ReportFormat format, Instant now) {
        return new Entry(period.begin().getEpochSecond(), period.end().getEpochSecond(), domain.name(), destination,
                state, reason, id.value(), ReportMail.messageId(id, destination, format), fileName, sizeLimit,
                format.name().toLowerCase(Locale.ROOT), 0, Optional.empty(), now, now);
    }

    private RunResult handOffDue(ReportRunLock lock, Optional<DomainName> onlyDomain, ReportOutbound outbound,
                                 long planned) {
        long handedOff = 0;
        long deferred = 0;
        long failed = 0;
        long suppressed = 0;
        long left = 0;
        Map<String, Integer> perDestination = new HashMap<>();
        Optional<ReportLedger.Key> after = Optional.empty();
        Built cache = null;
        Instant started = clock.instant();
        while (true) {
            List<Entry> page = ledger.due(started, after, onlyDomain.map(DomainName::name), PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (Entry e : page) {
                after = Optional.of(e.key());
                if (handedOff + deferred + failed >= settings.maxPerRun()
                        || perDestination.getOrDefault(e.destination(), 0) >= settings.maxPerDestination()) {
                    left++;
                    continue;
                }
                if (!lock.held()) {
                    log.accept("lost the report run lock: stopping before the next hand-off");
                    return new RunResult(RunResult.Outcome.LOCK_LOST, planned, handedOff, deferred, failed,
                            suppressed, left);
                }
                Instant now = clock.instant();
                if (!ledger.claim(e, now)) {
                    continue; // changed meanwhile: not ours
                }
                perDestination.merge(e.destination(), 1, Integer::sum);
                Entry claimed = new Entry(e.periodBegin(), e.periodEnd(), e.policyDomain(), e.destination(),
                        State.SENDING, e.reason(), e.reportId(), e.messageId(), e.fileName(), e.sizeLimit(),
                        e.format(), e.attempts() + 1, e.nextAttempt(), e.createdAt(), now);
                Attempt a;
                try {
                    Built b = cache != null && cache.matches(claimed) ? cache : build(claimed);
                    cache = b;
                    a = attempt(claimed, b, outbound);
                } catch (IOException | RuntimeException ex) {
                    a = new Attempt(State.DEFERRED, "building or handing off failed: " + ex);
                }
                State state = a.state();
                Optional<Instant> next = Optional.empty();
                String reason = a.reason();
                if (state == State.DEFERRED) {
                    if (claimed.attempts() >= settings.maxAttempts()) {
                        state = State.FAILED;
                        reason = "gave up after " + claimed.attempts() + " attempts: " + reason;
                    } else {
                        next = Optional.of(clock.instant().plus(retryDelay(claimed.attempts())));
                    }
                }
                ledger.record(claimed.key(), state, Optional.of(reason), next, clock.instant());
                log.accept(claimed.policyDomain() + " -> " + claimed.destination() + ": " + state.code() + ": "
                        + reason);
                switch (state) {
                    case HANDED_OFF -> handedOff++;
                    case DEFERRED -> deferred++;
                    case FAILED -> failed++;
                    case SUPPRESSED -> suppressed++;
                    default -> { }
                }
            }
        }
        return new RunResult(RunResult.Outcome.COMPLETED, planned, handedOff, deferred, failed, suppressed, left);
    }

    private record Attempt(State state, String reason) {
    }

    private Attempt attempt(Entry e, Built b, ReportOutbound outbound) {
        if (b.gzip().isEmpty()) {
            return new Attempt(State.FAILED, "no report counters left for the period (expired by retention?)");
        }
        String recipient = e.destination();
        Optional<ReportDestination> dest = ReportDestination.parse("mailto:" + recipient);
        if (dest.isEmpty()) {
            return new Attempt(State.FAILED, "not a usable address: " + recipient);
        }
        DestinationAuthorizer.Authorization auth = authorizer.authorize(DomainName.of(e.policyDomain()),
                dest.get().host());
        String note = "";
        if (auth instanceof DestinationAuthorizer.Authorization.Refused r) {
            return new Attempt(State.SUPPRESSED, r.reason());
        }
        if (auth instanceof DestinationAuthorizer.Authorization.TryLater t) {
            return new Attempt(State.DEFERRED, t.reason());
        }
        DestinationAuthorizer.Authorization.Allowed allowed = (DestinationAuthorizer.Authorization.Allowed) auth;
        if (allowed.overrideAddress().isPresent() && !allowed.overrideAddress().get().equalsIgnoreCase(recipient)) {
            recipient = allowed.overrideAddress().get(); // RFC 9990 step 9: same host, another mailbox
            note = " (to " + recipient + ", named by the authorization record)";
        }
        ReportMessage message = ReportMail.compose(reporter, DomainName.of(e.policyDomain()), b.period(), b.format(),
                recipient, b.gzip().get(), clock.instant());
        if (e.sizeLimit().isPresent() && message.content().length > e.sizeLimit().getAsLong()) {
            return new Attempt(State.FAILED, "the report message has " + message.content().length
                    + " bytes, more than the destination's limit of " + e.sizeLimit().getAsLong());
        }
        HandOff h = outbound.handOff(message);
        if (h instanceof HandOff.Accepted a) {
            return new Attempt(State.HANDED_OFF, a.detail() + note);
        }
        if (h instanceof HandOff.Deferred d) {
            return new Attempt(State.DEFERRED, d.reason() + note);
        }
        return new Attempt(State.FAILED, ((HandOff.Failed) h).reason() + note);
    }

    /** The delay after the {@code attempts}-th temporary failure: {@code report.retryDelay} doubled each time. */
    Duration retryDelay(int attempts) {
        Duration d = settings.retryDelay();
        for (int i = 1; i < attempts && d.compareTo(MAX_RETRY_DELAY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : d;
    }

    /** One built report: its domain, period, format and gzip'd XML (empty: no counters). */
    private record Built(String domain, ReportPeriod period, ReportFormat format, Optional<byte[]> gzip) {
        boolean matches(Entry e) {
            return domain.equals(e.policyDomain()) && period.begin().getEpochSecond() == e.periodBegin()
                    && format.name().equalsIgnoreCase(e.format());
        }
    }

    private Built build(Entry e) throws IOException {
        ReportPeriod period = new ReportPeriod(Instant.ofEpochSecond(e.periodBegin()),
                Instant.ofEpochSecond(e.periodEnd()));
        ReportFormat format = ReportFormat.valueOf(e.format().toUpperCase(Locale.ROOT));
        return new Built(e.policyDomain(), period, format, gzip(DomainName.of(e.policyDomain()), period, format));
    }

    private Optional<byte[]> gzip(DomainName domain, ReportPeriod period, ReportFormat format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean built;
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            built = builder.build(domain, period, format, gz).isPresent();
        }
        return built ? Optional.of(bytes.toByteArray()) : Optional.empty();
    }

    /**
     * A dry run: plans {@code periods} in memory (the ledger is neither read nor written, no lock taken) and
     * writes into {@code dir} each report it would send ({@code <file name>}, RFC 7489 ones under
     * {@code rfc7489/}) and each message ({@code <file name without .xml.gz>!<destination>.eml}); external
     * destinations are verified as for a real run.
     *
     * @return the planned rows, with the state a real run would give them now (pending: would be sent)
     */
    public List<Entry> dryRun(List<ReportPeriod> periods, Optional<DomainName> onlyDomain, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        rollUp(); // bookkeeping of the counters, not a delivery: a dry run marks nothing as sent
        List<Entry> all = new ArrayList<>();
        Instant now = clock.instant();
        for (ReportPeriod period : periods) {
            List<ReportPolicy> policies = new ArrayList<>();
            if (onlyDomain.isPresent()) {
                reader.policy(onlyDomain.get(), period.begin(), period.end()).ifPresent(policies::add);
            } else {
                builder.forEachDomain(period, policies::add);
            }
            for (ReportPolicy policy : policies) {
                Built cache = null;
                for (Entry e : planDomain(policy, period, now)) {
                    if (e.state() != State.PENDING) {
                        all.add(e);
                        continue;
                    }
                    Built b = cache != null && cache.matches(e) ? cache : build(e);
                    cache = b;
                    Entry shown = e;
                    try {
                        Attempt a = attempt(e, b, message -> {
                            writeDryRun(dir, b, message);
                            return new HandOff.Accepted("written to " + dir);
                        });
                        shown = new Entry(e.periodBegin(), e.periodEnd(), e.policyDomain(), e.destination(),
                                a.state() == State.HANDED_OFF ? State.PENDING : a.state(), Optional.of(a.reason()),
                                e.reportId(), e.messageId(), e.fileName(), e.sizeLimit(), e.format(), 0,
                                Optional.empty(), now, now);
                    } catch (UncheckedIOException x) {
                        throw x.getCause();
                    }
                    all.add(shown);
                    log.accept(shown.policyDomain() + " -> " + shown.destination() + ": " + shown.state().code()
                            + shown.reason().map(r -> ": " + r).orElse(""));
                }
            }
        }
        return all;
    }

    private static void writeDryRun(Path dir, Built b, ReportMessage message) {
        try {
            Path reports = b.format() == ReportFormat.RFC7489 ? dir.resolve("rfc7489") : dir;
            Files.createDirectories(reports);
            Files.write(reports.resolve(message.fileName()), b.gzip().orElseThrow());
            String base = message.fileName().substring(0, message.fileName().length() - ".xml.gz".length());
            Files.write(dir.resolve(base + "!" + message.recipient() + ".eml"), message.content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ReportFormat format(ReportDestination d) {
        String f = settings.formats().get(d.address().toLowerCase(Locale.ROOT));
        for (Optional<DomainName> h = Optional.of(d.host()); f == null && h.isPresent(); h = h.get().parent()) {
            f = settings.formats().get(h.get().name());
        }
        return "rfc7489".equals(f) ? ReportFormat.RFC7489 : ReportFormat.RFC9990;
    }

    private Optional<String> suppressedDomain(DomainName domain) {
        for (String s : settings.suppress()) {
            if (s.indexOf('@') < 0) {
                Optional<DomainName> d = DomainName.parse(s, true);
                if (d.isPresent() && domain.isAtOrBelow(d.get())) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> suppressedAddress(ReportDestination d) {
        String address = d.address().toLowerCase(Locale.ROOT);
        for (String s : settings.suppress()) {
            if (s.indexOf('@') >= 0 ? s.equals(address) : suppressedDomain(d.host()).isPresent()) {
                return Optional.of(s.indexOf('@') >= 0 ? s : suppressedDomain(d.host()).get());
            }
        }
        return Optional.empty();
    }
}
