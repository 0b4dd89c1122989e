package org.jamesdmarc.reporting.james;

import javax.inject.Inject;


import spark.Service;

/**
 * WebAdmin route {@code GET /dmarc/domains/{domain}/check}: the DMARC policy that applies to the domain and the state
 * of its report destinations, the JSON {@code dmarc check --json} prints (the same code,
 * {@link org.jamesdmarc.reporting.DomainCheck}), asked of {@code report.dnsServers}. An invalid domain is a 400; the
 * DNS's answer (none, temperror...) is the body's {@code result}. Behind WebAdmin's authentication when it is on;
 * listed in {@code extensions.routes} ({@link DmarcHistoryRoutes} shows the line).
 */
public final class DmarcDomainRoutes extends DmarcRoutes {

    static final String BASE = "/dmarc/domains";

    @Inject
    DmarcDomainRoutes(DmarcWeb web) {
        super(BASE, web);
    }

    @Override
    public void define(Service service) {
        service.get(BASE + "/:domain/check", (req, res) -> DmarcWeb.respond(res, web.api().check(req.params("domain"))));
    }
}
