package org.jamesdmarc.check;

import java.net.InetAddress;
import java.util.List;

/**
 * A list of client addresses (CIDR blocks) and host names, as in OpenDMARC's IgnoreHosts file:
 * one entry per line or comma-separated, {@code #} comments. A host name entry matches the client's
 * host name (reverse DNS or HELO as the caller provides) or any name below it when written {@code .example.com}.
 * PLACEHOLDER until the CIDR matcher lands.
 */
public final class HostList {

    private final List<String> entries;

    private HostList(List<String> entries) {
        this.entries = List.copyOf(entries);
    }

    public static HostList empty() {
        return new HostList(List.of());
    }

    /**
     * A list of already validated entries (CIDR blocks, addresses, host names, {@code .domain} suffixes,
     * optionally prefixed by {@code !}); {@link CheckSettingsParser} validates them.
     */
    public static HostList of(List<String> entries) {
        return new HostList(entries);
    }

    public List<String> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean matches(InetAddress address, String hostName) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
