package org.jamesdmarc.dns;

import java.time.Clock;

/** Builds the DNS client the checks share: dnsjava transport behind a TTL-honouring cache. */
public final class DnsClients {

    private DnsClients() {
    }

    public static CachingDnsClient create(DnsSettings settings) {
        return create(settings, Clock.systemUTC());
    }

    public static CachingDnsClient create(DnsSettings settings, Clock clock) {
        return new CachingDnsClient(new DnsjavaClient(settings), new DnsCache(settings, clock));
    }
}
