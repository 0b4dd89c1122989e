package org.jamesdmarc.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A set of IPv4/IPv6 networks, parsed from a list such as {@code "127.0.0.0/8, ::1/128, 10.1.2.3"}
 * (separated by commas and/or whitespace; a bare address is a /32 or /128). Used for trustedRelays and
 * ignoreHosts. Host bits below the prefix are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) match the IPv4 entries.
 */
public final class CidrSet {

    /** Caps on what a configuration may hold (bounded work). */
    public static final int MAX_ENTRIES = 4096;
    public static final int MAX_LENGTH = 256 * 1024;

    /** One network: address bytes (4 or 16) and prefix length. */
    public record Network(InetAddress address, int prefix) {
        public Network {
            Objects.requireNonNull(address, "address");
        }

        boolean contains(byte[] a) {
            byte[] n = address.getAddress();
            if (n.length != a.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (n[i] != a[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (n[full] & mask) == (a[full] & mask);
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + prefix;
        }
    }

    /** Why an entry of the list is not a network. */
    public record ParseError(String entry, int index, Kind kind, String message) {
        public enum Kind {
            /** Not an IPv4 or IPv6 literal (host names are not allowed: no DNS at configuration time). */
            INVALID_ADDRESS,
            /** The prefix length is not a number, or exceeds 32 (IPv4) / 128 (IPv6). */
            INVALID_PREFIX,
            /** More than {@link #MAX_ENTRIES} entries, or longer than {@link #MAX_LENGTH}. */
            TOO_LARGE
        }

        public ParseError {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Outcome of {@link #parse(String)}: a set, or every error found. */
    public sealed interface ParseResult {
        record Parsed(CidrSet set) implements ParseResult {
        }

        record Invalid(List<ParseError> errors) implements ParseResult {
            public Invalid {
                errors = List.copyOf(errors);
            }
        }
    }

    private static final CidrSet EMPTY = new CidrSet(List.of());

    private final List<Network> networks;

    private CidrSet(List<Network> networks) {
        this.networks = List.copyOf(networks);
    }

    public static CidrSet empty() {
        return EMPTY;
    }

    public static ParseResult parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return new ParseResult.Parsed(EMPTY);
        }
        if (spec.length() > MAX_LENGTH) {
            return new ParseResult.Invalid(List.of(new ParseError("", 0, ParseError.Kind.TOO_LARGE,
                    "list longer than " + MAX_LENGTH + " characters")));
        }
        List<Network> nets = new ArrayList<>();
        List<ParseError> errors = new ArrayList<>();
        int index = 0;
        for (String raw : spec.split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            if (index >= MAX_ENTRIES) {
                errors.add(new ParseError(raw, index, ParseError.Kind.TOO_LARGE, "more than " + MAX_ENTRIES + " entries"));
                break;
            }
            parseEntry(raw, index, nets, errors);
            index++;
        }
        return errors.isEmpty() ? new ParseResult.Parsed(new CidrSet(nets)) : new ParseResult.Invalid(errors);
    }

    private static void parseEntry(String raw, int index, List<Network> nets, List<ParseError> errors) {
        int slash = raw.indexOf('/');
        String addr = slash < 0 ? raw : raw.substring(0, slash);
        Optional<InetAddress> ip = IpLiteral.parse(addr);
        if (ip.isEmpty()) {
            errors.add(new ParseError(raw, index, ParseError.Kind.INVALID_ADDRESS,
                    "entry " + (index + 1) + " '" + raw + "': '" + addr + "' is not an IPv4 or IPv6 address"));
            return;
        }
        // An IPv4-mapped literal is kept as IPv6 for the prefix arithmetic only when written with ':'.
        byte[] bytes = addr.indexOf(':') >= 0 ? IpLiteral.parseV6(addr) : ip.get().getAddress();
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = raw.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > max) {
                errors.add(new ParseError(raw, index, ParseError.Kind.INVALID_PREFIX,
                        "entry " + (index + 1) + " '" + raw + "': prefix length must be 0.." + max));
                return;
            }
            prefix = Integer.parseInt(p);
        }
        Network n = normalised(bytes, prefix);
        nets.add(n);
    }

    /** ::ffff:a.b.c.d/p with p >= 96 becomes a.b.c.d/(p-96) so it matches IPv4 clients. */
    private static Network normalised(byte[] bytes, int prefix) {
        byte[] b = bytes;
        int p = prefix;
        if (b.length == 16 && isV4Mapped(b) && p >= 96) {
            b = java.util.Arrays.copyOfRange(b, 12, 16);
            p -= 96;
        }
        byte[] masked = b.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, p - 8 * i));
            int mask = bitsHere == 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
            masked[i] = (byte) (masked[i] & mask);
        }
        try {
            return new Network(InetAddress.getByAddress(masked), p);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: 4 or 16 bytes
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length == 16 && isV4Mapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        for (Network n : networks) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an address literal is in the set; false when {@code ipLiteral} is not an address. */
    public boolean contains(String ipLiteral) {
        return IpLiteral.parse(ipLiteral).map(this::contains).orElse(false);
    }

    public List<Network> networks() {
        return networks;
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public String toString() {
        return networks.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrSet c && c.networks.equals(networks);
    }

    @Override
    public int hashCode() {
        return networks.hashCode();
    }
}
