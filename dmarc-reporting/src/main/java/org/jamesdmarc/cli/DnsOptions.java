package org.jamesdmarc.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.policy.DiscoveryMode;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The DNS and discovery options {@code check} and {@code evaluate} share (a picocli mixin). */
final class DnsOptions {

    @Option(names = "--dns", paramLabel = "IP[:PORT]", split = ",",
            description = "DNS resolver(s) to ask instead of the system's, e.g. 127.0.0.1:5353 or [::1]:53.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "5s",
            description = "Timeout of one DNS query (e.g. 500ms, 5s); default: ${DEFAULT-VALUE}.")
    String timeout;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode = new Mode();

    static final class Mode {
        @Option(names = "--treewalk", description = "RFC 9989 DNS tree walk (default).")
        boolean treewalk;

        @Option(names = "--psl", description = "RFC 7489 method: Organizational Domain from the bundled public suffix list.")
        boolean psl;
    }

    /**
     * The DNS settings the options ask for.
     *
     * @throws IllegalArgumentException naming the option ({@code --dns:} / {@code --timeout:}) and the bad value
     */
    DnsSettings dnsSettings() {
        try {
            List<InetSocketAddress> servers = new ArrayList<>();
            for (String d : dns) {
                servers.add(DnsSettings.parseServer(d.strip()));
            }
            Duration t = DnsSettings.parseDuration("--timeout", timeout);
            return DnsSettings.defaults().withServers(servers).withTimeout(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace(DnsSettings.PARAM_SERVERS + ":", "--dns:")
                    .replace(DnsSettings.PARAM_TIMEOUT + ":", "--timeout:"), e);
        }
    }

    DiscoveryMode discoveryMode() {
        return mode.psl ? DiscoveryMode.PSL : DiscoveryMode.TREEWALK;
    }
}
