package org.jamesdmarc.check;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jamesdmarc.auth.CidrSet;
import org.jamesdmarc.policy.DomainName;

/**
 * A list of client addresses (CIDR blocks or single addresses, IPv4 and IPv6) and host names, in the
 * format of OpenDMARC's IgnoreHosts file: entries separated by new lines or commas, {@code #} starts a
 * comment. A host name entry matches that exact name; written with a leading dot ({@code .example.com})
 * it matches any name below it. Names are compared with the HELO name (or another host name the
 * caller has), never trusted for anything but skipping a check the admin asked to skip.
 */
public final class HostList {

    private static final HostList EMPTY = new HostList(CidrSet.empty(), List.of(), List.of());

    private final CidrSet networks;
    private final List<String> exactNames;
    private final List<String> parentNames;

    private HostList(CidrSet networks, List<String> exactNames, List<String> parentNames) {
        this.networks = networks;
        this.exactNames = List.copyOf(exactNames);
        this.parentNames = List.copyOf(parentNames);
    }

    public static HostList empty() {
        return EMPTY;
    }

    /** Reads a file in IgnoreHosts format; a missing or unreadable file or a bad entry is an {@link IllegalArgumentException}. */
    public static HostList load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses entries; every bad one is named in the {@link IllegalArgumentException} message. */
    public static HostList parse(String spec) {
        List<String> cidrs = new ArrayList<>();
        List<String> exact = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String line : spec.split("\r?\n")) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String token : content.split(",")) {
                String entry = token.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                if (looksLikeAddress(entry)) {
                    cidrs.add(entry);
                } else if (entry.startsWith(".")) {
                    DomainName.normalize(entry.substring(1), true).ifPresentOrElse(parents::add, () -> bad.add(entry));
                } else {
                    DomainName.normalize(entry, true).ifPresentOrElse(exact::add, () -> bad.add(entry));
                }
            }
        }
        CidrSet set = CidrSet.empty();
        if (!cidrs.isEmpty()) {
            CidrSet.ParseResult parsed = CidrSet.parse(String.join(",", cidrs));
            if (parsed instanceof CidrSet.ParseResult.Invalid invalid) {
                invalid.errors().forEach(e -> bad.add(e.entry() + " (" + e.message() + ")"));
            } else {
                set = ((CidrSet.ParseResult.Valid) parsed).set();
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("not an address, CIDR block or host name: " + String.join(", ", bad));
        }
        return new HostList(set, exact, parents);
    }

    private static boolean looksLikeAddress(String entry) {
        return entry.indexOf(':') >= 0 || entry.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '/');
    }

    public boolean isEmpty() {
        return networks.isEmpty() && exactNames.isEmpty() && parentNames.isEmpty();
    }

    public CidrSet networks() {
        return networks;
    }

    /** True when {@code address} is in a listed block, or {@code hostName} is a listed name (or below a {@code .name}). */
    public boolean matches(InetAddress address, String hostName) {
        if (networks.contains(address)) {
            return true;
        }
        Optional<String> name = hostName == null ? Optional.empty() : DomainName.normalize(hostName, true);
        if (name.isEmpty()) {
            return false;
        }
        String n = name.get().toLowerCase(Locale.ROOT);
        return exactNames.contains(n) || parentNames.stream().anyMatch(p -> n.endsWith("." + p));
    }

    @Override
    public String toString() {
        return "HostList" + networks.networks() + exactNames + parentNames;
    }
}
