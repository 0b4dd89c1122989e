package org.jamesdmarc.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * dnsjava's own {@link SimpleResolver} (NIO, EDNS, retries truncated UDP replies over TCP itself).
 * Works, but see {@link SocketDnsTransport} for why it is not the default on dnsjava 3.5.2.
 */
public final class SimpleResolverTransport implements DnsTransport {

    @Override
    public Message exchange(Message query, InetSocketAddress server, Duration timeout) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        return resolver.send(query);
    }
}
