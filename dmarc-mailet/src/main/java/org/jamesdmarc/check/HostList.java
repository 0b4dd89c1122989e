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

import org.jamesdmarc.dns.CidrSet;
import org.jamesdmarc.dns.DomainName;

/**
 * A list of client addresses (CIDR blocks or single addresses, IPv4 and IPv6) and host names, in the
 * format of OpenDMARC's IgnoreHosts file: entries separated by new lines or commas, {@code #} starts a
 * comment. A host name entry matches that exact name; written with a leading dot ({@code .example.com})
 * it matches any name below it. An entry prefixed with {@code !} excludes what it names, whatever else
 * matches (OpenDMARC's negation). Names are compared with a host name the caller has verified (the
 * DMARC check uses the client's forward-confirmed reverse DNS name, never the HELO name), and only ever
 * used to skip a check the admin asked to skip.
 */
public final class HostList {

    private static final HostList EMPTY = new HostList(List.of(), Part.EMPTY, Part.EMPTY);

    private final List<String> entries;
    private final Part included;
    private final Part excluded;

    /** Addresses and names of one polarity. */
    private record Part(CidrSet networks, List<DomainName> exactNames, List<DomainName> parentNames) {
        static final Part EMPTY = new Part(CidrSet.empty(), List.of(), List.of());

        boolean matches(InetAddress address, Optional<DomainName> name) {
            if (networks.contains(address)) {
                return true;
            }
            return name.isPresent() && (exactNames.contains(name.get())
                    || parentNames.stream().anyMatch(p -> name.get().isSubdomainOf(p)));
        }

        boolean isEmpty() {
            return networks.isEmpty() && exactNames.isEmpty() && parentNames.isEmpty();
        }
    }

    private HostList(List<String> entries, Part included, Part excluded) {
        this.entries = List.copyOf(entries);
        this.included = included;
        this.excluded = excluded;
    }

    public static HostList empty() {
        return EMPTY;
    }

    /** Entries as separate strings (each may itself hold comma-separated entries). */
    public static HostList of(List<String> entries) {
        return parse(String.join("\n", entries));
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
        List<String> entries = new ArrayList<>();
        PartBuilder in = new PartBuilder();
        PartBuilder out = new PartBuilder();
        List<String> bad = new ArrayList<>();
        for (String line : spec.split("\r?\n")) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String token : content.split(",")) {
                String entry = token.strip().toLowerCase(Locale.ROOT);
                if (entry.isEmpty()) {
                    continue;
                }
                entries.add(entry);
                boolean negated = entry.startsWith("!");
                String body = negated ? entry.substring(1).strip() : entry;
                if (!(negated ? out : in).add(body)) {
                    bad.add(token.strip());
                }
            }
        }
        Part included = in.build(bad);
        Part excluded = out.build(bad);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("not an address, CIDR block or host name: " + String.join(", ", bad));
        }
        return new HostList(entries, included, excluded);
    }

    private static final class PartBuilder {
        private final List<String> cidrs = new ArrayList<>();
        private final List<DomainName> exact = new ArrayList<>();
        private final List<DomainName> parents = new ArrayList<>();

        boolean add(String entry) {
            if (entry.isEmpty()) {
                return false;
            }
            if (looksLikeAddress(entry)) {
                cidrs.add(entry);
                return true;
            }
            boolean parent = entry.startsWith(".");
            Optional<DomainName> name = DomainName.parse(parent ? entry.substring(1) : entry, true);
            name.ifPresent(parent ? parents::add : exact::add);
            return name.isPresent();
        }

        Part build(List<String> bad) {
            CidrSet set = CidrSet.empty();
            if (!cidrs.isEmpty()) {
                CidrSet.ParseResult parsed = CidrSet.parse(String.join(",", cidrs));
                if (parsed instanceof CidrSet.ParseResult.Invalid invalid) {
                    invalid.errors().forEach(e -> bad.add(e.entry() + " (" + e.message() + ")"));
                } else {
                    set = ((CidrSet.ParseResult.Parsed) parsed).set();
                }
            }
            return new Part(set, exact, parents);
        }
    }

    private static boolean looksLikeAddress(String entry) {
        return entry.indexOf(':') >= 0 || entry.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '/');
    }

    /** The entries as written (lower-cased), in order. */
    public List<String> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return included.isEmpty();
    }

    /** True when a host name entry (listed or excluded) is present: matching then needs the client's name. */
    public boolean hasNames() {
        return !included.exactNames().isEmpty() || !included.parentNames().isEmpty()
                || !excluded.exactNames().isEmpty() || !excluded.parentNames().isEmpty();
    }

    /** The address blocks that are listed (not excluded): where trusted relays are looked for. */
    public CidrSet networks() {
        return included.networks();
    }

    /** True when the address or host name is listed and not excluded by a {@code !} entry. */
    public boolean matches(InetAddress address, String hostName) {
        Optional<DomainName> name = hostName == null || hostName.isBlank() ? Optional.empty()
                : DomainName.parse(hostName, true);
        return included.matches(address, name) && !excluded.matches(address, name);
    }

    /** For trusted relays: the address is listed and not excluded (names are not used). */
    public boolean containsAddress(InetAddress address) {
        return included.networks().contains(address) && !excluded.networks().contains(address);
    }

    @Override
    public String toString() {
        return "HostList" + entries;
    }
}
