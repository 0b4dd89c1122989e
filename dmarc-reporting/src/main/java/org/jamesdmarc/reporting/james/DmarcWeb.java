package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.time.Duration;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.dns.ReverseDns;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.reporting.DomainCheck;
import org.jamesdmarc.reporting.web.DmarcWebApi;
import org.jamesdmarc.reporting.web.SourceNames;
import org.jamesdmarc.reporting.web.WebResponse;
import org.jamesdmarc.store.DmarcProperties;

import spark.Response;

/**
 * The one {@link DmarcWebApi} of the James process, shared by the DMARC WebAdmin routes: the history database through
 * {@link ReportDatabase} (the report side's small pool, opened on first use), {@code dmarc check}'s code path with
 * the DNS servers of {@code report.dnsServers} ({@code conf/dmarc.properties}; the system's when unset), and the
 * source-name cache, which resolves with the same servers and a {@value #NAME_TIMEOUT_MILLIS} ms timeout on threads
 * of its own. A singleton of the extension injector; its lookups stop when James stops.
 */
@Singleton
final class DmarcWeb {

    static final long NAME_TIMEOUT_MILLIS = 1500;

    private final DmarcWebApi api;
    private final SourceNames names;

    @Inject
    DmarcWeb(ReportDatabase database, DmarcProperties properties) {
        DnsSettings dns = properties.reports().dns();
        DnsjavaClient checkDns = new DnsjavaClient(dns);
        ReverseDns reverse = new ReverseDns(new DnsjavaClient(dns.withTimeout(Duration.ofMillis(NAME_TIMEOUT_MILLIS))
                .withRetries(0)));
        this.names = new SourceNames(reverse::confirmedNames, Clock.systemUTC());
        this.api = new DmarcWebApi(database::store, domain -> DomainCheck.check(domain, checkDns, DiscoveryMode.TREEWALK),
                names, Clock.systemUTC());
    }

    DmarcWebApi api() {
        return api;
    }

    /** Writes {@code answer} into Spark's response and gives the body to return from the route. */
    static String respond(Response response, WebResponse answer) {
        response.status(answer.status());
        response.type(answer.contentType());
        return answer.body();
    }

    @PreDestroy
    void close() {
        names.close();
    }
}
