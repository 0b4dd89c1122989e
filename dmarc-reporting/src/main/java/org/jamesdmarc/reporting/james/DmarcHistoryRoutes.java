package org.jamesdmarc.reporting.james;

import javax.inject.Inject;

import org.jamesdmarc.reporting.web.Params;

import spark.Service;

/**
 * WebAdmin routes of the evaluation history (JSON; behind WebAdmin's authentication when it is on). List them in
 * {@code conf/webadmin.properties} with the other DMARC routes:
 *
 * <pre>{@code
 * extensions.routes=org.jamesdmarc.reporting.james.DmarcDomainRoutes,org.jamesdmarc.reporting.james.DmarcHistoryRoutes,\
 *   org.jamesdmarc.reporting.james.DmarcReportRoutes,org.jamesdmarc.reporting.james.DmarcDashboardRoutes
 * }</pre>
 *
 * <ul>
 *   <li>{@code GET /dmarc/history?domain=&result=&since=&until=&offset=&limit=}: evaluated messages, newest first
 *       ({@code result}: pass, fail, none, temperror, permerror; times ISO-8601, a date or epoch seconds; {@code limit}
 *       1-1000, default 100); {@code more} says whether another page follows.</li>
 *   <li>{@code GET /dmarc/history/stats?domain=&since=&until=&days=&top=}: our DMARC verdicts per UTC day and per
 *       policy domain, and the sources failing most, from the report counters (rolled up every minute); default
 *       window the last 30 days.</li>
 * </ul>
 * Needs {@code DmarcHistoryModule} ({@code guice.extension.module} in {@code extensions.properties}).
 */
public final class DmarcHistoryRoutes extends DmarcRoutes {

    static final String BASE = "/dmarc/history";

    @Inject
    DmarcHistoryRoutes(DmarcWeb web) {
        super(BASE, web);
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (req, res) -> DmarcWeb.respond(res, web.api().history(new Params(req::queryParams))));
        service.get(BASE + "/stats", (req, res) ->
                DmarcWeb.respond(res, web.api().historyStats(new Params(req::queryParams))));
    }
}
