package org.jamesdmarc.dns;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * {@link DnsClient#txt} and {@link DnsClient#exists} written once on top of {@link #query}, so every
 * client (transport, cache, counter) answers them the same way and decorators see each query.
 */
public abstract class AbstractDnsClient implements DnsClient {

    @Override
    public TxtAnswer txt(String name) {
        return txtAnswer(query(name, Type.TXT));
    }

    /** The TXT view of an answer to a TXT query: each TXT record's strings joined. */
    static TxtAnswer txtAnswer(DnsAnswer answer) {
        List<String> texts = new ArrayList<>(answer.records().size());
        for (Record r : answer.records()) {
            if (r instanceof TXTRecord txt) {
                texts.add(joinStrings(txt));
            }
        }
        return new TxtAnswer(answer.status(), texts, answer.detail());
    }

    /**
     * RFC 9989 §3.2.13: a domain is non-existent when A, AAAA and MX each give NXDOMAIN or NODATA.
     * The first FOUND settles EXISTS. An NXDOMAIN settles NON_EXISTENT at once: RFC 1034 §4.3.2 and
     * RFC 8020 §2 make NXDOMAIN mean there is no data of any type at the name (nor below it), so the
     * other queries could only say NXDOMAIN again (and an earlier TEMPFAIL could not have found data). A TEMPFAIL is remembered: when no query shows
     * the domain exists, the result is TEMPFAIL rather than a guess (DNS failure is a temperror).
     */
    @Override
    public DomainExistence exists(String domain) {
        boolean tempfail = false;
        for (int type : new int[] {Type.A, Type.AAAA, Type.MX}) {
            DnsStatus status = query(domain, type).status();
            switch (status) {
                case FOUND:
                    return DomainExistence.EXISTS;
                case NXDOMAIN:
                    // RFC 8020 §2: no data of any type here, whatever an earlier query failed to learn.
                    return DomainExistence.NON_EXISTENT;
                case TEMPFAIL:
                    tempfail = true;
                    break;
                case NODATA:
                default:
                    break;
            }
        }
        return tempfail ? DomainExistence.TEMPFAIL : DomainExistence.NON_EXISTENT;
    }

    /**
     * The character-strings of one TXT record joined with nothing between them (RFC 7208 §3.3,
     * RFC 6376 §3.6.2.2, RFC 9989 §4.10). The bytes are decoded as UTF-8 when they are valid UTF-8,
     * otherwise as ISO-8859-1 so that each byte stays one character and nothing is lost or replaced.
     */
    public static String joinStrings(TXTRecord record) {
        int length = 0;
        List<byte[]> parts = record.getStringsAsByteArrays();
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(all))
                .toString();
        } catch (CharacterCodingException e) {
            return new String(all, StandardCharsets.ISO_8859_1);
        }
    }
}
