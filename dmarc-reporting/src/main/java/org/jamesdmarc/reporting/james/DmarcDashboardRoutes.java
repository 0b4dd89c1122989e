package org.jamesdmarc.reporting.james;

import javax.inject.Inject;

import org.apache.james.webadmin.PublicRoutes;

import spark.Service;

/**
 * WebAdmin route {@code GET /dmarc/dashboard}: the DMARC dashboard's page ({@code text/html}), the one public DMARC
 * route. A browser sends no bearer token when it navigates, so the page is served without authentication and carries
 * no data: its script reads everything from the JSON routes ({@link DmarcHistoryRoutes}, {@link DmarcReportRoutes}),
 * which stay behind WebAdmin's authentication; when they answer 401 (WebAdmin's {@code jwt.enabled=true}) the page
 * asks for the admin's token and sends it as {@code Authorization: Bearer}. Listed in {@code extensions.routes}
 * ({@link DmarcHistoryRoutes} shows the line).
 */
public final class DmarcDashboardRoutes extends DmarcRoutes implements PublicRoutes {

    static final String BASE = "/dmarc/dashboard";

    @Inject
    DmarcDashboardRoutes(DmarcWeb web) {
        super(BASE, web);
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (req, res) -> DmarcWeb.respond(res, web.api().dashboard()));
    }
}
