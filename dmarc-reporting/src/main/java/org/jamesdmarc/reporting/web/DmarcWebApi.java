package org.jamesdmarc.reporting.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.reporting.DomainCheck;
import org.jamesdmarc.store.HistoryBrowser;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.StoreException;

/**
 * The handlers of the DMARC WebAdmin routes, James-free (the James adapters register them): each takes the path's
 * and query's parameters and answers a {@link WebResponse}. A bad parameter is a 400 naming it, an unknown id a 404,
 * a database that cannot be reached a 503; all three in WebAdmin's error shape. Routes (under WebAdmin's root):
 * <ul>
 *   <li>{@code GET /dmarc/domains/{domain}/check}: what {@code dmarc check --json} prints ({@link DomainCheck}).</li>
 *   <li>{@code GET /dmarc/history?domain=&result=&since=&until=&offset=&limit=}: evaluated messages, newest first.</li>
 *   <li>{@code GET /dmarc/history/stats?domain=&since=&until=|days=&top=}: our verdicts per day and domain, top failing
 *       sources (from the report counters).</li>
 *   <li>{@code GET /dmarc/reports/outbound?state=&limit=}: the report ledger (periods, reports and their state);
 *       {@code POST /dmarc/reports/outbound/{reportId}/resend?destination=} sends one again.</li>
 *   <li>{@code GET /dmarc/reports/inbound?domain=&since=&until=|days=&top=&detailed=}: the aggregate reports others sent about
 *       our domains, per domain ({@link InboundView}); {@code GET /dmarc/reports/inbound/{id}}: one report's XML.</li>
 *   <li>{@code GET /dmarc/dashboard}: the dashboard's page (no data in it).</li>
 * </ul>
 */
public final class DmarcWebApi {

    /** Default and largest summary window. */
    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 400;

    private final Supplier<JdbcHistoryStore> store;
    private final Function<DomainName, DomainCheck.Outcome> checker;
    private final SourceNames names;
    private final Clock clock;

    /**
     * @param store   the history database, opened on first use (a {@link StoreException} is answered with 503)
     * @param checker {@link DomainCheck#check} with the process's DNS client and discovery mode
     * @param names   the cache of source names
     */
    public DmarcWebApi(Supplier<JdbcHistoryStore> store, Function<DomainName, DomainCheck.Outcome> checker,
                       SourceNames names, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.checker = Objects.requireNonNull(checker, "checker");
        this.names = Objects.requireNonNull(names, "names");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs {@code handler}, turning a bad parameter into 400 and an unreachable database into 503. */
    public static WebResponse answer(Supplier<WebResponse> handler) {
        try {
            return handler.get();
        } catch (BadParameter e) {
            return WebResponse.badRequest(e.getMessage());
        } catch (StoreException e) {
            return WebResponse.error(503, "ServerError", "the DMARC database is not available: " + e.getMessage());
        }
    }

    /** {@code GET /dmarc/domains/{domain}/check}. */
    public WebResponse check(String domain) {
        return answer(() -> {
            DomainName name = Params.domainValue("domain", domain);
            return WebResponse.ok(DomainCheck.toJson(checker.apply(name)));
        });
    }

    /** {@code GET /dmarc/history}. */
    public WebResponse history(Params p) {
        return answer(() -> {
            HistoryBrowser.Filter filter = new HistoryBrowser.Filter(p.domain("domain"),
                    p.oneOf("result", HistoryBrowser.RESULTS), p.instant("since"), p.instant("until"));
            long offset = p.number("offset", 0, 0, 10_000_000);
            int limit = (int) p.number("limit", 100, 1, 1000);
            HistoryBrowser.Page page = new HistoryBrowser(store.get()).page(filter, offset, limit);
            ObjectNode o = WebResponse.MAPPER.createObjectNode();
            o.put("offset", offset);
            o.put("limit", limit);
            o.put("more", page.more());
            ArrayNode messages = o.putArray("messages");
            for (HistoryBrowser.Message m : page.messages()) {
                ObjectNode x = messages.addObject();
                x.put("key", m.key());
                x.put("receivedAt", m.receivedAt().toString());
                x.put("sourceIp", m.sourceIp());
                x.put("headerFrom", m.headerFrom().orElse(null));
                x.put("envelopeFrom", m.envelopeFrom().orElse(null));
                x.put("policyDomain", m.policyDomain().orElse(null));
                x.put("publishedPolicy", m.publishedPolicy().orElse(null));
                x.put("result", m.result());
                x.put("disposition", m.disposition());
                x.put("action", m.action());
                ArrayNode overrides = x.putArray("overrides");
                Arrays.stream(m.overrides().split(",")).filter(s -> !s.isBlank()).forEach(overrides::add);
                x.put("spfDomain", m.spfDomain().orElse(null));
                x.put("spfResult", m.spfResult());
                x.put("spfAlignment", m.spfAlignment());
            }
            return WebResponse.ok(o);
        });
    }

    /** {@code GET /dmarc/history/stats}. */
    public WebResponse historyStats(Params p) {
        return answer(() -> {
            Window w = window(p);
            int top = (int) p.number("top", 10, 1, 100);
            HistoryBrowser.Summary s = new HistoryBrowser(store.get()).summary(p.domain("domain"), w.since(),
                    w.until(), top);
            ObjectNode o = WebResponse.MAPPER.createObjectNode();
            o.put("since", s.since().toString());
            o.put("until", s.until().toString());
            o.put("messages", s.messages());
            o.put("pass", s.pass());
            putRate(o, "passRate", s.pass(), s.messages());
            ArrayNode days = o.putArray("days");
            for (HistoryBrowser.Day d : s.days()) {
                ObjectNode x = days.addObject();
                x.put("day", LocalDate.ofInstant(d.day(), ZoneOffset.UTC).toString());
                x.put("messages", d.messages());
                x.put("pass", d.pass());
            }
            ArrayNode domains = o.putArray("domains");
            for (HistoryBrowser.DomainTotal d : s.domains()) {
                ObjectNode x = domains.addObject();
                x.put("policyDomain", d.policyDomain());
                x.put("messages", d.messages());
                x.put("pass", d.pass());
                putRate(x, "passRate", d.pass(), d.messages());
            }
            ArrayNode failing = o.putArray("topFailingSources");
            for (HistoryBrowser.FailingSource f : s.topFailingSources()) {
                ObjectNode x = failing.addObject();
                putSource(x, f.sourceIp());
                x.put("messages", f.messages());
                ObjectNode disp = x.putObject("dispositions");
                f.dispositions().forEach(disp::put);
                ObjectNode over = x.putObject("overrides");
                f.overrides().forEach(over::put);
            }
            return WebResponse.ok(o);
        });
    }

    /** {@code GET /dmarc/reports/outbound}. */
    public WebResponse outbound(Params p) {
        return answer(() -> {
            List<String> states = Arrays.stream(ReportLedger.State.values()).map(ReportLedger.State::code).toList();
            Optional<ReportLedger.State> state = p.oneOf("state", states).map(ReportLedger.State::of);
            int limit = (int) p.number("limit", 100, 1, 1000);
            ReportLedger ledger = new ReportLedger(store.get());
            ObjectNode o = WebResponse.MAPPER.createObjectNode();
            ArrayNode periods = o.putArray("periods");
            for (ReportLedger.PeriodSummary s : ledger.periods(Math.min(limit, 30))) {
                ObjectNode x = periods.addObject();
                x.put("begin", Instant.ofEpochSecond(s.begin()).toString());
                x.put("end", Instant.ofEpochSecond(s.end()).toString());
                x.put("planned", s.planned());
                if (s.domains().isPresent()) {
                    x.put("domains", s.domains().getAsLong());
                } else {
                    x.putNull("domains");
                }
                ObjectNode counts = x.putObject("states");
                for (ReportLedger.State st : ReportLedger.State.values()) {
                    counts.put(st.code(), s.count(st));
                }
            }
            ArrayNode reports = o.putArray("reports");
            ledger.list(state, limit).forEach(e -> putEntry(reports.addObject(), e));
            return WebResponse.ok(o);
        });
    }

    /** {@code POST /dmarc/reports/outbound/{reportId}/resend?destination=}. */
    public WebResponse resend(String reportId, Params p) {
        return answer(() -> {
            if (reportId == null || reportId.isBlank() || reportId.length() > 255) {
                throw new BadParameter("reportId is missing or longer than 255 characters");
            }
            Optional<String> destination = p.text("destination");
            ReportLedger ledger = new ReportLedger(store.get());
            List<ReportLedger.Entry> rows = ledger.byReportId(reportId);
            if (rows.isEmpty() || destination.isPresent()
                    && rows.stream().noneMatch(r -> r.destination().equals(destination.get()))) {
                return WebResponse.notFound("no report " + reportId
                        + destination.map(d -> " to " + d).orElse("") + " in the ledger");
            }
            int resent = ledger.resend(reportId, destination, clock.instant());
            if (resent == 0) {
                return WebResponse.error(409, "InvalidArgument", "report " + reportId + " has no destination to send "
                        + "again: it is suppressed, not sent yet or being sent");
            }
            ObjectNode o = WebResponse.MAPPER.createObjectNode();
            o.put("reportId", reportId);
            o.put("resend", resent);
            ArrayNode rowsNode = o.putArray("reports");
            ledger.byReportId(reportId).forEach(e -> putEntry(rowsNode.addObject(), e));
            return WebResponse.json(202, o);
        });
    }

    /** {@code GET /dmarc/reports/inbound}: what receivers reported about our domains. */
    public WebResponse inbound(Params p) {
        return answer(() -> {
            Window w = window(p);
            int top = (int) p.number("top", 10, 1, 100);
            int detailed = (int) p.number("detailed", 5, 1, 100);
            Optional<String> domain = p.domain("domain").map(DomainName::name);
            return WebResponse.ok(InboundView.summary(new InboundReportStore(store.get()), this, domain, w.since(),
                    w.until(), top, detailed));
        });
    }

    /** {@code GET /dmarc/reports/inbound/{id}}: one received report's XML as it came (404 when unknown or not kept). */
    public WebResponse inboundReport(String id) {
        return answer(() -> {
            if (id == null || !id.matches("[0-9a-f]{32}")) {
                throw new BadParameter("a report id is 32 lower-case hex digits: '" + id + "'");
            }
            InboundReportStore inbound = new InboundReportStore(store.get());
            Optional<String> xml = InboundView.rawXml(inbound, id);
            if (xml.isPresent()) {
                return new WebResponse(200, WebResponse.XML, xml.get());
            }
            return WebResponse.notFound(inbound.report(id).isPresent() ? "the XML of report " + id
                    + " was not kept (larger than the store keeps)" : "no received report " + id);
        });
    }

    /** {@code GET /dmarc/dashboard}: the page, which reads its data through the JSON routes. */
    public WebResponse dashboard() {
        return new WebResponse(200, WebResponse.HTML, DashboardPage.html());
    }

    /** The summary window: {@code since}/{@code until}, or the last {@code days} days up to now. */
    record Window(Instant since, Instant until) {
    }

    Window window(Params p) {
        Optional<Instant> until = p.instant("until");
        Optional<Instant> since = p.instant("since");
        long days = p.number("days", DEFAULT_DAYS, 1, MAX_DAYS);
        Instant end = until.orElse(clock.instant().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.DAYS));
        Instant start = since.orElse(end.minus(Duration.ofDays(days)));
        if (!start.isBefore(end)) {
            throw new BadParameter("since must be before until");
        }
        if (Duration.between(start, end).toDays() > MAX_DAYS) {
            throw new BadParameter("the window is longer than " + MAX_DAYS + " days");
        }
        return new Window(start, end);
    }

    void putSource(ObjectNode x, String ip) {
        x.put("ip", ip);
        SourceNames.Name n = names.nameOf(ip);
        if (n instanceof SourceNames.Name.Resolved r) {
            x.put("name", r.name());
            x.put("nameStatus", "resolved");
        } else {
            x.putNull("name");
            x.put("nameStatus", n instanceof SourceNames.Name.Pending ? "pending" : "none");
        }
    }

    static void putRate(ObjectNode o, String field, long part, long whole) {
        if (whole == 0) {
            o.putNull(field);
        } else {
            o.put(field, Math.round(part * 10000.0 / whole) / 10000.0);
        }
    }

    private static void putEntry(ObjectNode x, ReportLedger.Entry e) {
        x.put("reportId", e.reportId());
        x.put("periodBegin", Instant.ofEpochSecond(e.periodBegin()).toString());
        x.put("periodEnd", Instant.ofEpochSecond(e.periodEnd()).toString());
        x.put("policyDomain", e.policyDomain());
        x.put("destination", e.destination());
        x.put("state", e.state().code());
        x.put("reason", e.reason().orElse(null));
        x.put("attempts", e.attempts());
        x.put("format", e.format());
        x.put("fileName", e.fileName());
        x.put("nextAttempt", e.nextAttempt().map(Instant::toString).orElse(null));
        x.put("updatedAt", e.updatedAt().toString());
    }

    /** The dashboard page, read once from the class path. */
    static final class DashboardPage {
        private static volatile String html;

        private DashboardPage() {
        }

        static String html() {
            String h = html;
            if (h == null) {
                try (InputStream in = DmarcWebApi.class.getResourceAsStream("dashboard.html")) {
                    if (in == null) {
                        throw new IllegalStateException("dashboard.html is missing from the jar");
                    }
                    h = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                html = h;
            }
            return h;
        }
    }


}
