package org.jamesdmarc.store.opendmarc;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

import org.jamesdmarc.dns.IpLiteral;
import org.jamesdmarc.store.opendmarc.HistoryEntry.ArcHop;
import org.jamesdmarc.store.opendmarc.HistoryEntry.DkimSignature;
import org.jamesdmarc.store.opendmarc.HistoryEntry.UnknownLine;
import org.jamesdmarc.store.opendmarc.HistoryWarning.Effect;
import org.jamesdmarc.store.opendmarc.HistoryWarning.Kind;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryReader.LineKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The entry being read: one per reader, reset at each {@code job} line. */
final class HistoryEntryBuilder {

    /** The lines OpenDMARC 1.4.2 writes for every message it records (all but dkim, arc and arc_policy). */
    private static final int REQUIRED;
    /** The lines that may appear more than once: one per URI, per DKIM result, per SPF result read. */
    private static final int REPEATABLE = OpenDmarcHistoryReader.bit(LineKey.RUA)
            | OpenDmarcHistoryReader.bit(LineKey.DKIM) | OpenDmarcHistoryReader.bit(LineKey.SPF);
    /** 9999-12-31T23:59:59Z: a later {@code received} is corrupt. */
    private static final long LAST_SECOND = 253_402_300_799L;
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        int r = 0;
        for (LineKey k : LineKey.values()) {
            if (k != LineKey.DKIM && k != LineKey.ARC && k != LineKey.ARC_POLICY) {
                r |= OpenDmarcHistoryReader.bit(k);
            }
        }
        REQUIRED = r;
    }

    private final OpenDmarcHistoryReader reader;
    private final byte[] buf;

    private long line;
    private int lines;
    private long bytes;
    private int present;
    private Kind failure;
    private String jobId;
    private String reporter;
    private long received;
    private InetAddress clientIp;
    private String headerFrom;
    private String envelopeFrom;
    private AuthResultCode spf;
    private String policyDomain;
    private PolicyOutcome policy;
    private final List<String> rua = new ArrayList<>(2);
    private int pct;
    private AlignmentMode adkim;
    private AlignmentMode aspf;
    private RequestedPolicy p;
    private RequestedPolicy sp;
    private AlignmentOutcome dkimAlignment;
    private AlignmentOutcome spfAlignment;
    private final List<DkimSignature> dkim = new ArrayList<>(2);
    private AuthResultCode arc;
    private ArcPolicyResult arcPolicy;
    private List<ArcHop> arcHops;
    private MilterAction action;
    private final List<UnknownLine> unknown = new ArrayList<>(0);

    HistoryEntryBuilder(OpenDmarcHistoryReader reader) {
        this.reader = reader;
        this.buf = reader.buffer();
    }

    void start(long jobLine) {
        line = jobLine;
        lines = 1;
        bytes = 0;
        present = OpenDmarcHistoryReader.bit(LineKey.JOB);
        failure = null;
        jobId = "";
        spf = null;
        rua.clear();
        dkim.clear();
        arc = null;
        arcPolicy = ArcPolicyResult.NOT_RECORDED;
        arcHops = List.of();
        unknown.clear();
    }

    void job(String id) {
        jobId = id;
    }

    String jobId() {
        return jobId;
    }

    boolean failed() {
        return failure != null;
    }

    int countLine() {
        return ++lines;
    }

    /** Adds a line's length; returns the entry's total so far. */
    long countBytes(int length) {
        bytes += length + 1;
        return bytes;
    }

    /** Marks the entry as skipped, with a warning at the current line. */
    void fail(Kind kind, String detail) {
        if (failure == null) {
            failure = kind;
            reader.warn(kind, Effect.ENTRY_SKIPPED, jobId, detail);
        }
    }

    void unknown(UnknownLine u) {
        unknown.add(u);
    }

    /** One known line, its value being {@code buf[vs, ve)}. */
    void accept(LineKey key, int vs, int ve) {
        int bit = OpenDmarcHistoryReader.bit(key);
        if ((present & bit) != 0 && (REPEATABLE & bit) == 0) {
            fail(Kind.REPEATED_LINE, "a second '" + key.text + "' line (two entries run together?)");
            return;
        }
        present |= bit;
        switch (key) {
            case REPORTER -> reporter = nonEmpty(key, vs, ve);
            case RECEIVED -> {
                long t = number(key, vs, ve);
                if (failure == null && (t < 0 || t > LAST_SECOND)) {
                    fail(Kind.BAD_NUMBER, "received time out of range");
                }
                received = t;
            }
            case IPADDR -> clientIp = ip(vs, ve);
            case FROM -> headerFrom = reader.string(vs, ve);
            case MFROM -> envelopeFrom = reader.string(vs, ve);
            case SPF -> spf = code(key, AuthResultCode.fromCode(number(key, vs, ve)));
            case PDOMAIN -> policyDomain = reader.string(vs, ve);
            case POLICY -> policy = code(key, PolicyOutcome.fromCode(number(key, vs, ve)));
            case RUA -> {
                String uri = nonEmpty(key, vs, ve);
                if (uri != null && !uri.equals("-")) {
                    rua.add(uri);
                }
            }
            case PCT -> {
                long v = number(key, vs, ve);
                if (failure == null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                    fail(Kind.BAD_NUMBER, "pct out of range");
                }
                pct = (int) v;
            }
            case ADKIM -> adkim = code(key, AlignmentMode.fromCode(number(key, vs, ve)));
            case ASPF -> aspf = code(key, AlignmentMode.fromCode(number(key, vs, ve)));
            case P -> p = code(key, RequestedPolicy.fromCode(number(key, vs, ve)));
            case SP -> sp = code(key, RequestedPolicy.fromCode(number(key, vs, ve)));
            case ALIGN_DKIM -> dkimAlignment = code(key, AlignmentOutcome.fromCode(number(key, vs, ve)));
            case ALIGN_SPF -> spfAlignment = code(key, AlignmentOutcome.fromCode(number(key, vs, ve)));
            case DKIM -> dkim(vs, ve);
            case ARC -> arc = code(key, AuthResultCode.fromCode(number(key, vs, ve)));
            case ARC_POLICY -> arcPolicy(vs, ve);
            case ACTION -> action = code(key, MilterAction.fromCode(number(key, vs, ve)));
            case JOB -> throw new IllegalStateException("job lines start entries");
        }
    }

    /** {@code dkim <domain> <selector or -> <result code>}. */
    private void dkim(int vs, int ve) {
        int s1 = reader.indexOf(' ', vs, ve);
        int s2 = s1 < 0 ? -1 : reader.indexOf(' ', s1 + 1, ve);
        if (s1 <= vs || s2 <= s1 + 1 || reader.indexOf(' ', s2 + 1, ve) >= 0) {
            fail(Kind.BAD_VALUE, "a dkim line without exactly domain, selector and result");
            return;
        }
        AuthResultCode result = code(LineKey.DKIM, AuthResultCode.fromCode(number(LineKey.DKIM, s2 + 1, ve)));
        if (result == null) {
            return;
        }
        String selector = reader.string(s1 + 1, s2);
        dkim.add(new DkimSignature(reader.string(vs, s1),
                selector.equals("-") ? Optional.empty() : Optional.of(selector), result));
    }

    /** {@code arc_policy <code> json:[{ "i": n, "d":"..", "s":"..", "ip":".." }, ...]}. */
    private void arcPolicy(int vs, int ve) {
        int s1 = reader.indexOf(' ', vs, ve);
        int numberEnd = s1 < 0 ? ve : s1;
        arcPolicy = code(LineKey.ARC_POLICY, ArcPolicyResult.fromCode(number(LineKey.ARC_POLICY, vs, numberEnd)));
        if (arcPolicy == null || s1 < 0) {
            return;
        }
        String data = reader.string(s1 + 1, ve);
        if (!data.startsWith("json:")) {
            fail(Kind.BAD_VALUE, "arc_policy data not starting with json:");
            return;
        }
        String json = data.substring(5);
        if (json.equals("[]")) {
            return;
        }
        try {
            JsonNode list = JSON.readTree(json);
            if (list == null || !list.isArray()) {
                throw new IllegalArgumentException("not a list");
            }
            List<ArcHop> hops = new ArrayList<>(list.size());
            for (JsonNode hop : list) {
                hops.add(new ArcHop(hop.path("i").asInt(0), hop.path("d").asText(""), hop.path("s").asText(""),
                        hop.path("ip").asText("")));
            }
            arcHops = hops;
        } catch (Exception e) { // content, never I/O: Jackson's parse errors and the shape check above
            reader.warn(Kind.BAD_ARC_JSON, Effect.NOTED, jobId, "arc_policy JSON list not decodable; hops left out");
        }
    }

    /** OpenDMARC writes the client address with inet_ntop: an IPv4 or IPv6 literal, never a name. */
    private InetAddress ip(int vs, int ve) {
        InetAddress v4 = ipv4(vs, ve);
        if (v4 != null) {
            return v4;
        }
        Optional<InetAddress> ip = ve - vs <= 45 ? IpLiteral.parse(reader.string(vs, ve)) : Optional.empty();
        if (ip.isEmpty()) {
            fail(Kind.BAD_VALUE, "an ipaddr line without an IP address");
            return null;
        }
        return ip.get();
    }

    /**
     * The common case read straight from the bytes: four decimal octets without leading zeros (what inet_ntop
     * writes); null for anything else, left to {@link IpLiteral}.
     */
    private InetAddress ipv4(int vs, int ve) {
        byte[] octets = new byte[4];
        int i = vs;
        for (int k = 0; k < 4; k++) {
            int start = i;
            int v = 0;
            while (i < ve && i - start < 3 && buf[i] >= '0' && buf[i] <= '9') {
                v = v * 10 + buf[i++] - '0';
            }
            if (i == start || v > 255 || (i - start > 1 && buf[start] == '0')) {
                return null;
            }
            octets[k] = (byte) v;
            if (k < 3) {
                if (i >= ve || buf[i] != '.') {
                    return null;
                }
                i++;
            }
        }
        if (i != ve) {
            return null;
        }
        try {
            return InetAddress.getByAddress(octets); // never a lookup
        } catch (java.net.UnknownHostException impossible) {
            return null; // only for a wrong length
        }
    }

    private String nonEmpty(LineKey key, int vs, int ve) {
        if (ve <= vs) {
            fail(Kind.BAD_VALUE, "an empty '" + key.text + "' line");
            return null;
        }
        return reader.string(vs, ve);
    }

    /** A decimal integer of at most 18 digits, optionally negative; 0 (and the entry failed) otherwise. */
    private long number(LineKey key, int vs, int ve) {
        int i = vs;
        boolean negative = i < ve && buf[i] == '-';
        if (negative) {
            i++;
        }
        if (i >= ve || ve - i > 18) {
            fail(Kind.BAD_NUMBER, "'" + key.text + "' without a number");
            return 0;
        }
        long v = 0;
        for (; i < ve; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                fail(Kind.BAD_NUMBER, "'" + key.text + "' without a number");
                return 0;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private <T> T code(LineKey key, Optional<T> decoded) {
        if (decoded.isEmpty()) {
            fail(Kind.UNKNOWN_CODE, "'" + key.text + "' code not written by OpenDMARC 1.4.x");
            return null;
        }
        return decoded.get();
    }

    /** The finished entry, or null (with a warning) if it was skipped or lacks a line. */
    HistoryEntry build() {
        if (failure != null) {
            return null;
        }
        int missing = REQUIRED & ~present;
        if (missing != 0) {
            StringJoiner names = new StringJoiner(", ");
            for (LineKey k : LineKey.values()) {
                if ((missing & OpenDmarcHistoryReader.bit(k)) != 0) {
                    names.add(k.text);
                }
            }
            failure = Kind.MISSING_LINE;
            reader.warnAtEntry(line, Kind.MISSING_LINE, jobId, "entry without " + names);
            return null;
        }
        return new HistoryEntry(line, jobId, reporter, Instant.ofEpochSecond(received), clientIp, headerFrom,
                envelopeFrom, spf, policyDomain, policy, rua, pct, adkim, aspf, p, sp, dkimAlignment, spfAlignment,
                dkim, Optional.ofNullable(arc), arcPolicy, arcHops, action, unknown);
    }
}
