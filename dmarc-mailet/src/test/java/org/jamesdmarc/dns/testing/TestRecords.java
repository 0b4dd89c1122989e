package org.jamesdmarc.dns.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * dnsjava records built from test-friendly strings, shared by the DNS fakes ({@link FakeDnsServer},
 * {@link InMemoryDnsClient}). Bad names or addresses are test bugs: they throw
 * {@link IllegalArgumentException}.
 */
public final class TestRecords {

    private TestRecords() {
    }

    /** {@code name} as an absolute name (a trailing dot is optional). */
    public static Name name(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad test name " + name, e);
        }
    }

    /** An address literal of {@code family} ({@link Address#IPv4} or {@link Address#IPv6}); never a lookup. */
    public static InetAddress ip(String literal, int family) {
        try {
            return Address.getByAddress(literal, family);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad test address " + literal, e);
        }
    }

    /**
     * One TXT record holding {@code text} as UTF-8, split into 255-octet character-strings when longer
     * (RFC 1035 §3.3.14, RFC 7208 §3.3 join them again); an empty text is one empty string.
     */
    public static Record txt(String name, long ttl, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> strings = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 255) {
            byte[] part = new byte[Math.min(255, bytes.length - at)];
            System.arraycopy(bytes, at, part, 0, part.length);
            strings.add(part);
        }
        if (strings.isEmpty()) {
            strings.add(new byte[0]);
        }
        return txtBytes(name, ttl, strings);
    }

    /** One TXT record made of exactly these raw character-strings (each at most 255 octets). */
    public static Record txtBytes(String name, long ttl, List<byte[]> strings) {
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        for (byte[] string : strings) {
            if (string.length > 255) {
                throw new IllegalArgumentException("a character-string holds at most 255 octets");
            }
            rdata.write(string.length);
            rdata.write(string, 0, string.length);
        }
        return Record.newRecord(name(name), Type.TXT, DClass.IN, ttl, rdata.toByteArray());
    }

    public static Record a(String name, long ttl, String ipv4) {
        return new ARecord(name(name), DClass.IN, ttl, ip(ipv4, Address.IPv4));
    }

    public static Record aaaa(String name, long ttl, String ipv6) {
        return new AAAARecord(name(name), DClass.IN, ttl, ip(ipv6, Address.IPv6));
    }

    public static Record mx(String name, long ttl, int preference, String exchange) {
        return new MXRecord(name(name), DClass.IN, ttl, preference, name(exchange));
    }

    public static Record ptr(String name, long ttl, String target) {
        return new PTRRecord(name(name), DClass.IN, ttl, name(target));
    }

    public static Record cname(String name, long ttl, String target) {
        return new CNAMERecord(name(name), DClass.IN, ttl, name(target));
    }
}
