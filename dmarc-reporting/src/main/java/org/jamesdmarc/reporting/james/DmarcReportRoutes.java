package org.jamesdmarc.reporting.james;

import javax.inject.Inject;

import org.jamesdmarc.reporting.web.Params;

import spark.Service;

/**
 * WebAdmin routes of the aggregate reports (JSON; behind WebAdmin's authentication when it is on):
 * <ul>
 *   <li>{@code GET /dmarc/reports/outbound?state=&limit=}: the reports we send (the delivery ledger): per period the
 *       count in each state, and the reports (newest period first) with their state, reason and attempts.</li>
 *   <li>{@code POST /dmarc/reports/outbound/{reportId}/resend?destination=}: sends a report again (202): its handed
 *       off, failed or deferred rows become pending and the next report run hands them off with the same Report-ID
 *       and Message-ID; 404 for an unknown report or destination, 409 when nothing of it can be sent again.</li>
 *   <li>{@code GET /dmarc/reports/inbound?domain=&since=&until=&days=&top=}: the aggregate reports receivers sent about
 *       our domains (ingested by {@code DmarcReportIngest} or {@code dmarc report ingest}), per policy domain: volume,
 *       DMARC pass rate, SPF and DKIM alignment, what the receivers did, per UTC day, the top sources (IP, name,
 *       reporting organisations, alignment, dispositions, override reasons such as forwarded or mailing_list) and the
 *       "ready for p=reject?" hint; and the latest reports with their ids. Window: the report's begin time; default
 *       the last 30 days.</li>
 *   <li>{@code GET /dmarc/reports/inbound/{id}}: that report's XML as received ({@code application/xml}); 400 for a
 *       malformed id, 404 for an unknown one or one whose XML was too large to keep.</li>
 * </ul>
 * Listed in {@code extensions.routes} ({@link DmarcHistoryRoutes} shows the line).
 */
public final class DmarcReportRoutes extends DmarcRoutes {

    static final String BASE = "/dmarc/reports";

    @Inject
    DmarcReportRoutes(DmarcWeb web) {
        super(BASE, web);
    }

    @Override
    public void define(Service service) {
        service.get(BASE + "/outbound", (req, res) ->
                DmarcWeb.respond(res, web.api().outbound(new Params(req::queryParams))));
        service.post(BASE + "/outbound/:reportId/resend", (req, res) ->
                DmarcWeb.respond(res, web.api().resend(req.params("reportId"), new Params(req::queryParams))));
        service.get(BASE + "/inbound", (req, res) ->
                DmarcWeb.respond(res, web.api().inbound(new Params(req::queryParams))));
        service.get(BASE + "/inbound/:id", (req, res) -> DmarcWeb.respond(res, web.api().inboundReport(req.params("id"))));
    }
}
