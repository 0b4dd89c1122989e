package org.jamesdmarc.reporting.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.InboundStats;
import org.jamesdmarc.store.ReportDisposition;

/**
 * The JSON of {@code GET /dmarc/reports/inbound} and {@code /dmarc/reports/inbound/{id}}: what receivers reported
 * about our domains ({@link InboundReportStore}'s aggregates), per policy domain its volume, pass rate, SPF and DKIM
 * alignment, what the receivers did, its days, its top sources with their names and reporters, and the
 * "ready for p=reject?" hint ({@link RejectReadiness}).
 */
final class InboundView {

    /** Sources read per domain for the readiness hint (the biggest first). */
    static final int READINESS_SOURCES = 1000;
    /**
     * Reads the detailed domains side by side: two at a time (this machine's cores; each read is one query at a time
     * on one pooled connection). Daemon threads, kept while idle.
     */
    private static final ExecutorService READERS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "dmarc-inbound-view");
        t.setDaemon(true);
        return t;
    });

    private InboundView() {
    }

    /**
     * @param detailed how many domains (the biggest first) get their sources, dispositions and readiness; the others
     *                 only their totals and days (each detailed domain costs a few grouped queries)
     */
    static ObjectNode summary(InboundReportStore store, DmarcWebApi api, Optional<String> domain, Instant since,
                              Instant until, int top, int detailed) {
        InboundStats.TimeRange range = new InboundStats.TimeRange(since, until);
        ObjectNode o = WebResponse.MAPPER.createObjectNode();
        o.put("since", since.toString());
        o.put("until", until.toString());
        List<InboundStats.DomainSummary> domains = new ArrayList<>(store.domains(range));
        domain.ifPresent(d -> domains.removeIf(s -> !s.policyDomain().equals(d)));
        Map<String, List<InboundStats.DayVolume>> days = new TreeMap<>();
        for (InboundStats.DayVolume v : store.volumeByDay(domain, range)) {
            days.computeIfAbsent(v.policyDomain(), k -> new ArrayList<>()).add(v);
        }
        Map<String, Map<ReportDisposition, Long>> dispositions = store.dispositions(domain, range);
        // The detailed domains' sources, read side by side (each is a few grouped reads of its own).
        Map<String, CompletableFuture<Detail>> details = new HashMap<>();
        for (InboundStats.DomainSummary d : domains.subList(0, Math.min(detailed, domains.size()))) {
            details.put(d.policyDomain(), CompletableFuture.supplyAsync(() -> Detail.read(store, d.policyDomain(),
                    range, top), READERS));
        }
        long reports = 0;
        ArrayNode list = o.putArray("domains");
        for (InboundStats.DomainSummary d : domains) {
            reports += d.reports();
            ObjectNode x = list.addObject();
            InboundStats.Volume v = d.volume();
            x.put("domain", d.policyDomain());
            x.put("reports", d.reports());
            x.put("records", d.records());
            x.put("messages", v.messages());
            x.put("pass", v.dmarcPass());
            DmarcWebApi.putRate(x, "passRate", v.dmarcPass(), v.messages());
            x.put("spfAligned", v.spfPass());
            DmarcWebApi.putRate(x, "spfAlignedRate", v.spfPass(), v.messages());
            x.put("dkimAligned", v.dkimPass());
            DmarcWebApi.putRate(x, "dkimAlignedRate", v.dkimPass(), v.messages());
            ArrayNode dayList = x.putArray("days");
            for (InboundStats.DayVolume dv : days.getOrDefault(d.policyDomain(), List.of())) {
                ObjectNode y = dayList.addObject();
                y.put("day", dv.day().toString());
                y.put("messages", dv.volume().messages());
                y.put("pass", dv.volume().dmarcPass());
            }
            if (list.size() > detailed) {
                x.put("detailed", false);
                continue;
            }
            x.put("detailed", true);
            Detail detail = Detail.join(details.get(d.policyDomain()));
            // What receivers did with all of the domain's messages (every source, from the day roll-up).
            ObjectNode disp = x.putObject("dispositions");
            new TreeMap<>(dispositions.getOrDefault(d.policyDomain(), Map.of()))
                    .forEach((k, n) -> disp.put(k.keyword(), n));
            RejectReadiness r = RejectReadiness.of(detail.ranked());
            ObjectNode ready = x.putObject("rejectReadiness");
            ready.put("legitimate", r.legitimate());
            ready.put("wouldBeRejected", r.wouldBeRejected());
            if (r.share().isPresent()) {
                ready.put("share", Math.round(r.share().get() * 10000.0) / 10000.0);
            } else {
                ready.putNull("share");
            }
            ready.put("verdict", r.verdict().code());
            ArrayNode src = x.putArray("sources");
            for (InboundStats.SourceSummary s : detail.listed()) {
                ObjectNode y = src.addObject();
                api.putSource(y, s.sourceIp());
                ArrayNode reporters = y.putArray("reporters");
                s.reporters().keySet().forEach(reporters::add);
                y.put("messages", s.volume().messages());
                y.put("pass", s.volume().dmarcPass());
                y.put("spfAligned", s.volume().spfPass());
                y.put("dkimAligned", s.volume().dkimPass());
                ObjectNode sd = y.putObject("dispositions");
                new TreeMap<>(s.dispositions()).forEach((k, n) -> sd.put(k.keyword(), n));
                ObjectNode so = y.putObject("overrides");
                new TreeMap<>(s.overrides()).forEach((k, n) -> so.put(k.reportValue(), n));
            }
        }
        o.put("reports", reports);
        ArrayNode latest = o.putArray("latestReports");
        for (InboundStats.ReportSummary s : store.reports(domain, InboundStats.Page.first(top))) {
            putReport(latest.addObject(), s);
        }
        return o;
    }

    /**
     * A detailed domain's sources: the ranking (light sums of the top {@link #READINESS_SOURCES}) for the hint, and
     * the full sums and reporters of the {@code top} listed ones.
     */
    private record Detail(List<InboundStats.SourceRank> ranked, List<InboundStats.SourceSummary> listed) {

        static Detail read(InboundReportStore store, String domain, InboundStats.TimeRange range, int top) {
            List<InboundStats.SourceRank> ranked = store.rankSources(domain, range, READINESS_SOURCES);
            List<String> listed = ranked.subList(0, Math.min(top, ranked.size())).stream()
                    .map(InboundStats.SourceRank::sourceIp).toList();
            return new Detail(ranked, store.sources(domain, range, listed));
        }

        /** Waits for a read; its failure (a {@code StoreException}, ...) is thrown as it was. */
        static Detail join(CompletableFuture<Detail> read) {
            try {
                return read.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }

    static void putReport(ObjectNode x, InboundStats.ReportSummary s) {
        x.put("id", s.id());
        x.put("orgName", s.report().orgName());
        x.put("email", s.report().email());
        x.put("reportId", s.report().reportId());
        x.put("policyDomain", s.report().policyDomain());
        x.put("begin", s.report().begin().toString());
        x.put("end", s.report().end().toString());
        x.put("receivedAt", s.report().receivedAt().toString());
        x.put("records", s.records());
        x.put("messages", s.volume().messages());
        x.put("pass", s.volume().dmarcPass());
        x.put("rawKept", s.rawKept());
    }

    /** The raw XML of one report, or empty when there is no such report or its XML was not kept. */
    static Optional<String> rawXml(InboundReportStore store, String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            return store.rawXml(id, out) ? Optional.of(out.toString(StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * "Ready for p=reject?": which share of the domain's legitimate mail a reject policy would refuse. A source is
     * legitimate when receivers saw at least one of its messages pass DMARC (a server we send from, perhaps not fully
     * set up) or marked it forwarded, a trusted forwarder or a mailing list (RFC 9990 §2.1 PolicyOverrideType):
     * mail the domain wants delivered. Its messages that failed DMARC are those p=reject would refuse. Sources that
     * never pass and carry no such reason are taken for spoofing, which p=reject is meant to stop. Verdict: ready at
     * most 0.1 %, almost at most 2 %, otherwise not yet; no legitimate mail at all is "no-data".
     *
     * @param legitimate      messages of legitimate sources
     * @param wouldBeRejected those of them that failed DMARC
     */
    record RejectReadiness(long legitimate, long wouldBeRejected, Verdict verdict) {

        enum Verdict {
            READY("ready"), ALMOST("almost"), NOT_YET("not-ready"), NO_DATA("no-data");

            private final String code;

            Verdict(String code) {
                this.code = code;
            }

            String code() {
                return code;
            }
        }

        Optional<Double> share() {
            return legitimate == 0 ? Optional.empty() : Optional.of((double) wouldBeRejected / legitimate);
        }

        static RejectReadiness of(List<InboundStats.SourceRank> sources) {
            long legitimate = 0;
            long rejected = 0;
            for (InboundStats.SourceRank s : sources) {
                boolean forwarding = !s.forwarding().isEmpty(); // SourceRank.FORWARDING's types
                if (s.dmarcPass() > 0 || forwarding) {
                    legitimate += s.messages();
                    rejected += s.messages() - s.dmarcPass();
                }
            }
            Verdict v;
            if (legitimate == 0) {
                v = Verdict.NO_DATA;
            } else if (rejected * 1000 <= legitimate) {
                v = Verdict.READY;
            } else if (rejected * 50 <= legitimate) {
                v = Verdict.ALMOST;
            } else {
                v = Verdict.NOT_YET;
            }
            return new RejectReadiness(legitimate, rejected, v);
        }
    }
}
