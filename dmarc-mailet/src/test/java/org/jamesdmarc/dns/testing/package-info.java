/**
 * Test doubles for DNS, shared by the tests of every module and the benchmarks (through the test-jar):
 * {@link InMemoryDnsClient} (a zone in memory behind the real {@code AbstractDnsClient}), {@link FakeDnsServer}
 * (a UDP/TCP server in the JVM on 127.0.0.1), {@link TestRecords} (dnsjava records from strings) and
 * {@link MutableClock} (TTL expiry without sleeping). May import the JDK, dnsjava and {@code org.jamesdmarc.dns}.
 */
package org.jamesdmarc.dns.testing;
