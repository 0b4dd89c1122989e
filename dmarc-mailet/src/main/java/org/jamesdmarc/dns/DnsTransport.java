package org.jamesdmarc.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.xbill.DNS.Message;

/** Sends one DNS query to one server and returns its reply, whatever the RCODE. */
@FunctionalInterface
public interface DnsTransport {

    /**
     * @throws java.net.SocketTimeoutException when no reply came within {@code timeout}
     * @throws IOException                      for network errors and replies that do not parse or do not
     *                                          match the query
     */
    Message exchange(Message query, InetSocketAddress server, Duration timeout) throws IOException;
}
