package org.jamesdmarc.reporting.ingest;

import java.io.InputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.IpLiteral;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.InboundFormat;
import org.jamesdmarc.store.InboundOrigin;
import org.jamesdmarc.store.InboundPolicy;
import org.jamesdmarc.store.InboundRecord;
import org.jamesdmarc.store.InboundReport;
import org.jamesdmarc.store.ReportDisposition;

/**
 * Reads an aggregate report as a stream (StAX, the JDK's own reader): RFC 9990 (namespace
 * {@value #NS_RFC9990}) and RFC 7489 Appendix C (no namespace, or {@value #NS_RFC7489}). The metadata and the
 * published policy come first in both schemas; the records follow and are handed over one at a time, so memory does
 * not grow with the report. Elements of other namespaces (RFC 9990 §2.1 extensions) are skipped.
 *
 * <p>Refused with a reason ({@link IngestRefusal}): a DTD (so no external entity, no entity expansion), XML that is
 * not well formed, a root other than {@code feedback}, a missing or invalid required field (the XSDs decide), a
 * count outside 0..2^63-1 ({@code xs:integer} in the schema; we bound it), more records than allowed, a field longer
 * than allowed. Whitespace around values is ignored. No DNS is queried.
 */
final class AggregateReportParser {

    static final String NS_RFC9990 = "urn:ietf:params:xml:ns:dmarc-2.0";
    static final String NS_RFC7489 = "http://dmarc.org/dmarc-xml/0.1";
    private static final int MAX_CHILDREN = 200;
    private static final int MAX_DEPTH = 8;
    private static final BigInteger MAX_COUNT = BigInteger.valueOf(Long.MAX_VALUE);
    /** 9999-12-31T23:59:59Z. */
    private static final long MAX_TIME = 253_402_300_799L;

    /** Receives the report: its metadata once, then each record. */
    interface Handler {
        /** The metadata, before the first record; false to stop reading (the report is stored already). */
        boolean begin(InboundReport report) throws IngestRefusal;

        void record(InboundRecord record) throws IngestRefusal;
    }

    private static final XMLInputFactory FACTORY = factory();

    private final IngestLimits limits;

    AggregateReportParser(IngestLimits limits) {
        this.limits = limits;
    }

    private static XMLInputFactory factory() {
        // The JDK's reader, not whichever one the class path offers (James has others): the same behaviour everywhere.
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        return f;
    }

    /** Reads {@code xml} to its end (or until the handler stops it); the records read. */
    long parse(InputStream xml, InboundOrigin origin, Instant receivedAt, Handler handler) throws IngestRefusal {
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(xml);
            return read(r, origin, receivedAt, handler);
        } catch (XMLStreamException e) {
            Optional<IngestRefusal> inner = IngestRefusal.in(e);
            if (inner.isPresent()) {
                throw inner.get();
            }
            throw new IngestRefusal("not well-formed XML" + where(e) + ": " + firstLine(e.getMessage()));
        } catch (HandlerFailure e) {
            throw (RuntimeException) e.getCause(); // the store's, not the report's: e.g. the database is down
        } catch (RuntimeException e) {
            // The JDK's reader throws some errors unchecked (e.g. a malformed encoding deep in its scanner).
            Optional<IngestRefusal> inner = IngestRefusal.in(e);
            if (inner.isPresent()) {
                throw inner.get();
            }
            throw new IngestRefusal("unreadable XML: " + firstLine(String.valueOf(e.getMessage())));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
    }

    private long read(XMLStreamReader r, InboundOrigin origin, Instant receivedAt, Handler handler)
            throws XMLStreamException, IngestRefusal {
        int event = nextTagOrDtd(r);
        if (event != XMLStreamConstants.START_ELEMENT) {
            throw new IngestRefusal("no root element");
        }
        if (!r.getLocalName().equals("feedback") || !ours(r.getNamespaceURI())) {
            throw new IngestRefusal("the root element is <" + qualified(r) + ">, not <feedback>: not an aggregate report");
        }
        boolean rfc9990 = NS_RFC9990.equals(r.getNamespaceURI());
        XmlElement metadata = null;
        XmlElement policy = null;
        InboundReport report = null;
        long records = 0;
        while (true) {
            event = r.next();
            if (event == XMLStreamConstants.END_ELEMENT) {
                break; // </feedback>
            }
            if (event == XMLStreamConstants.DTD) {
                throw new IngestRefusal("a DTD is refused (no entities in a report)");
            }
            if (event == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace()) {
                if (!r.getText().isBlank()) {
                    throw new IngestRefusal("text directly inside <feedback>");
                }
            }
            if (event != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            if (!ours(r.getNamespaceURI())) {
                skip(r);
                continue;
            }
            switch (r.getLocalName()) {
                case "report_metadata" -> metadata = element(r, 0);
                case "policy_published" -> policy = element(r, 0);
                case "record" -> {
                    if (report == null) {
                        report = report(metadata, policy, rfc9990, origin, receivedAt);
                        if (!begin(handler, report)) {
                            return records;
                        }
                    }
                    if (records >= limits.maxRecords()) {
                        throw new IngestRefusal("more than " + limits.maxRecords() + " records: refused");
                    }
                    InboundRecord next = record(element(r, 0), records);
                    try {
                        handler.record(next);
                    } catch (RuntimeException e) {
                        throw new HandlerFailure(e);
                    }
                    records++;
                }
                default -> skip(r); // version, extension, anything the schemas add later
            }
        }
        if (report == null) {
            // RFC 9990's schema asks for at least one record; a report without any still says the reporter saw none.
            report = report(metadata, policy, rfc9990, origin, receivedAt);
            begin(handler, report);
        }
        while (r.hasNext()) {
            event = r.next(); // to the end, so that trailing garbage is refused too
            if (event == XMLStreamConstants.START_ELEMENT) {
                throw new IngestRefusal("a second root element after </feedback>");
            }
        }
        return records;
    }

    private static boolean begin(Handler handler, InboundReport report) throws IngestRefusal {
        try {
            return handler.begin(report);
        } catch (RuntimeException e) {
            throw new HandlerFailure(e);
        }
    }

    /** A failure of the handler (the store), carried past the catch of the XML reader's own unchecked errors. */
    private static final class HandlerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandlerFailure(RuntimeException cause) {
            super(cause);
        }
    }

    private int nextTagOrDtd(XMLStreamReader r) throws XMLStreamException, IngestRefusal {
        while (r.hasNext()) {
            int e = r.next();
            if (e == XMLStreamConstants.DTD) {
                throw new IngestRefusal("a DTD is refused (no entities in a report)");
            }
            if (e == XMLStreamConstants.START_ELEMENT) {
                return e;
            }
            if (e == XMLStreamConstants.CHARACTERS && !r.getText().isBlank()) {
                throw new IngestRefusal("text before the root element");
            }
        }
        return XMLStreamConstants.END_DOCUMENT;
    }

    /** Reads the element at {@code r} (a START_ELEMENT) whole, bounded; leaves {@code r} at its END_ELEMENT. */
    private XmlElement element(XMLStreamReader r, int depth) throws XMLStreamException, IngestRefusal {
        String name = r.getLocalName();
        StringBuilder text = new StringBuilder();
        List<XmlElement> children = new ArrayList<>();
        while (true) {
            int e = r.next();
            switch (e) {
                case XMLStreamConstants.START_ELEMENT -> {
                    if (!ours(r.getNamespaceURI()) || depth + 1 >= MAX_DEPTH) {
                        skip(r);
                    } else if (children.size() >= MAX_CHILDREN) {
                        throw new IngestRefusal("<" + name + "> has more than " + MAX_CHILDREN + " children");
                    } else {
                        children.add(element(r, depth + 1));
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (text.length() + r.getTextLength() > limits.maxFieldChars()) {
                        throw new IngestRefusal("<" + name + "> is longer than " + limits.maxFieldChars()
                                + " characters");
                    }
                    text.append(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    return new XmlElement(name, text.toString().strip(), children);
                }
                case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.DTD ->
                        throw new IngestRefusal("entity references are refused");
                default -> {
                    // comments, processing instructions
                }
            }
        }
    }

    /** Skips the element at {@code r} (a START_ELEMENT) and everything in it. */
    private static void skip(XMLStreamReader r) throws XMLStreamException, IngestRefusal {
        int depth = 1;
        while (depth > 0) {
            int e = r.next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (e == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (e == XMLStreamConstants.ENTITY_REFERENCE) {
                throw new IngestRefusal("entity references are refused");
            }
        }
    }

    private static boolean ours(String namespace) {
        return namespace == null || namespace.isEmpty() || namespace.equals(NS_RFC9990) || namespace.equals(NS_RFC7489);
    }

    // ------------------------------------------------------------------ mapping

    private InboundReport report(XmlElement metadata, XmlElement policy, boolean rfc9990Namespace,
                                 InboundOrigin origin, Instant receivedAt) throws IngestRefusal {
        if (metadata == null) {
            throw new IngestRefusal("no <report_metadata> before the first record");
        }
        if (policy == null) {
            throw new IngestRefusal("no <policy_published> before the first record");
        }
        String org = required(metadata, "org_name", "report_metadata");
        String reportId = required(metadata, "report_id", "report_metadata");
        String email = metadata.text("email").orElse("");
        XmlElement range = metadata.child("date_range")
                .orElseThrow(() -> new IngestRefusal("<report_metadata> has no <date_range>"));
        long begin = epoch(required(range, "begin", "date_range"), "date_range/begin");
        long end = epoch(required(range, "end", "date_range"), "date_range/end");
        if (end < begin) {
            throw new IngestRefusal("date_range ends (" + end + ") before it begins (" + begin + ")");
        }
        String domain = required(policy, "domain", "policy_published").toLowerCase(Locale.ROOT);
        if (domain.length() > InboundReport.MAX_DOMAIN || !domain.matches("[a-z0-9._-]+|xn--[a-z0-9.-]+")) {
            throw new IngestRefusal("policy_published/domain '" + clip(domain) + "' is not a domain name");
        }
        InboundPolicy published = new InboundPolicy(
                tag(policy, "p", Policy::fromTagValue), tag(policy, "sp", Policy::fromTagValue),
                tag(policy, "np", Policy::fromTagValue), tag(policy, "adkim", AlignmentMode::fromTagValue),
                tag(policy, "aspf", AlignmentMode::fromTagValue), pct(policy.text("pct")), policy.text("fo"),
                tag(policy, "testing", AggregateReportParser::yesNo),
                tag(policy, "discovery_method", AggregateReportParser::discovery));
        // RFC 9990 §2.1: its namespace; reports without it that use RFC 9990's own elements are RFC 9990 too.
        boolean rfc9990 = rfc9990Namespace || policy.child("np").isPresent() || policy.child("testing").isPresent()
                || policy.child("discovery_method").isPresent() || metadata.child("generator").isPresent();
        return new InboundReport(org, email, metadata.text("extra_contact_info"), reportId, domain,
                Instant.ofEpochSecond(begin), Instant.ofEpochSecond(end),
                rfc9990 ? InboundFormat.RFC9990 : InboundFormat.RFC7489, published, origin, receivedAt);
    }

    private InboundRecord record(XmlElement record, long index) throws IngestRefusal {
        String where = "record " + (index + 1);
        XmlElement row = record.child("row").orElseThrow(() -> new IngestRefusal(where + " has no <row>"));
        String ipText = required(row, "source_ip", where + "/row");
        Optional<java.net.InetAddress> ip = IpLiteral.parse(ipText);
        if (ip.isEmpty()) {
            throw new IngestRefusal(where + ": source_ip '" + clip(ipText) + "' is not an IP address");
        }
        long count = count(required(row, "count", where + "/row"), where);
        XmlElement evaluated = row.child("policy_evaluated")
                .orElseThrow(() -> new IngestRefusal(where + " has no <policy_evaluated>"));
        String d = lower(required(evaluated, "disposition", where + "/policy_evaluated"));
        ReportDisposition disposition = switch (d) {
            case "none" -> ReportDisposition.NONE;
            case "pass" -> ReportDisposition.PASS; // RFC 9990 only
            case "quarantine" -> ReportDisposition.QUARANTINE;
            case "reject" -> ReportDisposition.REJECT;
            default -> throw new IngestRefusal(where + ": disposition '" + clip(d) + "' is not none, pass, quarantine "
                    + "or reject");
        };
        boolean dkim = passFail(evaluated.text("dkim"), where + "/policy_evaluated/dkim");
        boolean spf = passFail(evaluated.text("spf"), where + "/policy_evaluated/spf");
        List<InboundRecord.Reason> reasons = new ArrayList<>();
        for (XmlElement reason : evaluated.all("reason")) {
            String type = lower(required(reason, "type", where + "/reason"));
            PolicyOverride o = override(type).orElseThrow(() -> new IngestRefusal(where + ": reason type '"
                    + clip(type) + "' is none of RFC 9990's or RFC 7489's"));
            reasons.add(new InboundRecord.Reason(o, reason.text("comment")));
        }
        XmlElement ids = record.child("identifiers")
                .orElseThrow(() -> new IngestRefusal(where + " has no <identifiers>"));
        String headerFrom = ids.text("header_from").orElse("");
        List<InboundRecord.DkimAuth> dkims = new ArrayList<>();
        List<InboundRecord.SpfAuth> spfs = new ArrayList<>();
        Optional<XmlElement> auth = record.child("auth_results");
        if (auth.isPresent()) {
            for (XmlElement x : auth.get().all("dkim")) {
                String r = lower(required(x, "result", where + "/auth_results/dkim"));
                DkimResult result = DkimResult.fromKeyword(r).orElseThrow(() -> new IngestRefusal(where
                        + ": DKIM result '" + clip(r) + "' is not an RFC 8601 DKIM result"));
                dkims.add(new InboundRecord.DkimAuth(x.text("domain").orElse(""), x.text("selector"), result));
            }
            for (XmlElement x : auth.get().all("spf")) {
                String r = lower(required(x, "result", where + "/auth_results/spf"));
                SpfResult result = SpfResult.fromKeyword(r).orElseThrow(() -> new IngestRefusal(where
                        + ": SPF result '" + clip(r) + "' is not an RFC 7208 result"));
                SpfScope scope = x.text("scope").map(AggregateReportParser::lower).map(s -> s.equals("helo")
                        ? SpfScope.HELO : SpfScope.MFROM).orElse(SpfScope.MFROM);
                spfs.add(new InboundRecord.SpfAuth(x.text("domain").orElse(""), scope, result));
            }
        }
        return new InboundRecord(ipText, count, disposition, dkim, spf, reasons, headerFrom, ids.text("envelope_from"),
                ids.text("envelope_to"), dkims, spfs);
    }

    private static Optional<PolicyOverride> override(String type) {
        for (PolicyOverride o : PolicyOverride.values()) {
            if (o.reportValue().equals(type)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static boolean passFail(Optional<String> value, String where) throws IngestRefusal {
        String v = lower(value.orElseThrow(() -> new IngestRefusal(where + " is missing")));
        return switch (v) {
            case "pass" -> true;
            case "fail" -> false;
            default -> throw new IngestRefusal(where + " is '" + clip(v) + "', not pass or fail");
        };
    }

    private static long count(String text, String where) throws IngestRefusal {
        BigInteger n;
        try {
            n = new BigInteger(text);
        } catch (NumberFormatException e) {
            throw new IngestRefusal(where + ": count '" + clip(text) + "' is not an integer");
        }
        if (n.signum() < 0 || n.compareTo(MAX_COUNT) > 0) {
            throw new IngestRefusal(where + ": count " + clip(text) + " is outside 0..2^63-1");
        }
        return n.longValue();
    }

    private static long epoch(String text, String what) throws IngestRefusal {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IngestRefusal(what + " '" + clip(text) + "' is not a time in seconds since the epoch");
        }
        if (v < 0 || v > MAX_TIME) {
            throw new IngestRefusal(what + " " + v + " is outside 1970..9999");
        }
        return v;
    }

    private static OptionalInt pct(Optional<String> text) throws IngestRefusal {
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int v = Integer.parseInt(text.get());
            if (v >= 0 && v <= 100) {
                return OptionalInt.of(v);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IngestRefusal("policy_published/pct '" + clip(text.get()) + "' is not 0 to 100");
    }

    private static Optional<Boolean> yesNo(String v) {
        return switch (lower(v)) {
            case "y" -> Optional.of(true);
            case "n" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<DiscoveryMode> discovery(String v) {
        return switch (lower(v)) {
            case "psl" -> Optional.of(DiscoveryMode.PSL);
            case "treewalk" -> Optional.of(DiscoveryMode.TREEWALK);
            default -> Optional.empty();
        };
    }

    /** A {@code policy_published} tag: absent, or a valid value (else refused). */
    private static <T> Optional<T> tag(XmlElement policy, String tag, java.util.function.Function<String, Optional<T>> parse)
            throws IngestRefusal {
        Optional<String> text = policy.text(tag);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<T> value = parse.apply(lower(text.get()));
        if (value.isEmpty()) {
            throw new IngestRefusal("policy_published/" + tag + " '" + clip(text.get()) + "' is not a valid value");
        }
        return value;
    }

    private static String required(XmlElement parent, String child, String where) throws IngestRefusal {
        return parent.text(child).orElseThrow(() -> new IngestRefusal("<" + where + "> has no " + child));
    }

    private static String lower(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }

    private static String clip(String s) {
        String c = s.length() <= 80 ? s : s.substring(0, 80) + "...";
        return c.replaceAll("\\p{Cntrl}", "?");
    }

    private static String qualified(XMLStreamReader r) {
        String ns = r.getNamespaceURI();
        return (ns == null || ns.isEmpty() ? "" : "{" + clip(ns) + "}") + clip(r.getLocalName());
    }

    private static String where(XMLStreamException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNumber() + ", column "
                + e.getLocation().getColumnNumber();
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        String s = m;
        int msg = s.indexOf("Message: ");
        if (msg >= 0) {
            s = s.substring(msg + "Message: ".length());
        }
        int nl = s.indexOf('\n');
        return clip((nl < 0 ? s : s.substring(0, nl)).strip());
    }
}
