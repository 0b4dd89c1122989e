package org.jamesdmarc.reporting.aggregate;

import java.io.OutputStream;
import java.util.Optional;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.ReportDisposition;
import org.jamesdmarc.store.ReportPolicy;
import org.jamesdmarc.store.ReportRow;

/**
 * Writes one aggregate report as a stream (StAX, no tree in memory): {@link #start} writes the {@code feedback}
 * element's {@code version}, {@code report_metadata} and {@code policy_published}, {@link #record} one
 * {@code <record>} each, {@link #finish} closes the document. Element order follows RFC 9990's tables (the schema's
 * {@code xs:all} groups take any order; RFC 7489's {@code ReportMetadataType} is a sequence).
 */
final class AggregateReportWriter {

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private final java.io.Writer text;
    private final XMLStreamWriter xml;
    private final ReportFormat format;
    private long records;
    private long messages;

    AggregateReportWriter(OutputStream out, ReportFormat format) throws XMLStreamException {
        // Through a buffered UTF-8 writer: the JDK's writer on a stream writes it byte by byte (measured: a third of a
        // large report's time).
        this.text = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8),
                65_536);
        this.xml = FACTORY.createXMLStreamWriter(text);
        this.format = format;
    }

    void start(Reporter reporter, ReportPolicy policy, ReportPeriod period, ReportId id) throws XMLStreamException {
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeCharacters("\n");
        if (format == ReportFormat.RFC9990) {
            xml.setDefaultNamespace(ReportFormat.RFC9990_NAMESPACE);
            xml.writeStartElement(ReportFormat.RFC9990_NAMESPACE, "feedback");
            xml.writeDefaultNamespace(ReportFormat.RFC9990_NAMESPACE);
        } else {
            xml.writeStartElement("feedback");
        }
        element("version", "1.0"); // RFC 9990 §2.1.1: MUST be 1.0 when present; RFC 7489: required
        xml.writeStartElement("report_metadata");
        element("org_name", reporter.orgName());
        element("email", reporter.email());
        if (reporter.extraContactInfo().isPresent()) {
            element("extra_contact_info", reporter.extraContactInfo().get());
        }
        element("report_id", id.value());
        xml.writeStartElement("date_range");
        element("begin", Long.toString(period.beginSeconds()));
        element("end", Long.toString(period.endSeconds()));
        xml.writeEndElement();
        if (format == ReportFormat.RFC9990) {
            element("generator", reporter.generator());
        }
        xml.writeEndElement();
        policyPublished(policy);
    }

    private void policyPublished(ReportPolicy policy) throws XMLStreamException {
        EvaluationRecord.PublishedPolicy pub = policy.published();
        // RFC 9989: a record without a usable p is treated as p=none.
        Policy p = pub.p().orElse(Policy.NONE);
        xml.writeStartElement("policy_published");
        element("domain", policy.policyDomain().name());
        if (format == ReportFormat.RFC9990) {
            element("discovery_method", policy.discoveryMode().name().toLowerCase(java.util.Locale.ROOT));
            element("p", p.tagValue());
            if (pub.sp().isPresent()) {
                element("sp", pub.sp().get().tagValue());
            }
            if (pub.np().isPresent()) {
                element("np", pub.np().get().tagValue());
            }
            if (!pub.fo().isEmpty()) {
                element("fo", String.join(":", pub.fo()));
            }
            element("adkim", pub.adkim().tagValue());
            element("aspf", pub.aspf().tagValue());
            element("testing", pub.testing() ? "y" : "n");
        } else {
            // RFC 7489 Appendix C: sp, pct and fo are required; unspecified tags have their defaults.
            element("adkim", pub.adkim().tagValue());
            element("aspf", pub.aspf().tagValue());
            element("p", p.tagValue());
            element("sp", pub.sp().orElse(p).tagValue());
            element("pct", Integer.toString(pub.pct().orElse(100)));
            element("fo", pub.fo().isEmpty() ? "0" : String.join(":", pub.fo()));
        }
        xml.writeEndElement();
    }

    void record(ReportRow row) throws XMLStreamException {
        xml.writeCharacters("\n");
        xml.writeStartElement("record");
        xml.writeStartElement("row");
        element("source_ip", row.sourceIp());
        element("count", Long.toString(row.messages()));
        xml.writeStartElement("policy_evaluated");
        ReportDisposition d = row.disposition();
        element("disposition", format == ReportFormat.RFC7489 && d == ReportDisposition.PASS ? "none" : d.keyword());
        element("dkim", row.dkimPass() ? "pass" : "fail");
        element("spf", row.spfPass() ? "pass" : "fail");
        for (PolicyOverride o : row.overrides()) {
            ReportFormat.Reason reason = format.reason(o);
            // The ARC overrides name their sealer (issue 13; RFC 9990 and RFC 7489 both allow reason/comment).
            Optional<String> comment = reason.comment()
                    .or(() -> o == PolicyOverride.TRUSTED_FORWARDER || o == PolicyOverride.MAILING_LIST
                            ? row.overrideComment() : Optional.empty());
            xml.writeStartElement("reason");
            element("type", reason.type());
            if (comment.isPresent()) {
                element("comment", comment.get());
            }
            xml.writeEndElement();
        }
        xml.writeEndElement(); // policy_evaluated
        xml.writeEndElement(); // row
        identifiers(row);
        authResults(row);
        xml.writeEndElement(); // record
        records++;
        messages += row.messages();
    }

    private void identifiers(ReportRow row) throws XMLStreamException {
        xml.writeStartElement("identifiers");
        String envelopeTo = String.join(" ", row.envelopeTo());
        if (format == ReportFormat.RFC9990) {
            element("header_from", row.headerFrom().orElse(""));
            // RFC 9990 §2.1.8: envelope_from MAY be present but empty for the null reverse-path.
            element("envelope_from", row.envelopeFrom().orElse(""));
            if (!envelopeTo.isEmpty()) {
                element("envelope_to", envelopeTo);
            }
        } else {
            if (!envelopeTo.isEmpty()) {
                element("envelope_to", envelopeTo);
            }
            element("envelope_from", row.envelopeFrom().orElse("")); // required by RFC 7489's schema
            element("header_from", row.headerFrom().orElse(""));
        }
        xml.writeEndElement();
    }

    private void authResults(ReportRow row) throws XMLStreamException {
        xml.writeStartElement("auth_results");
        // Already in RFC 9990 §2.1.5 priority order and at most 100 (the counters keep them so).
        for (ReportRow.DkimAuth k : row.dkim()) {
            xml.writeStartElement("dkim");
            element("domain", k.domain().orElse(""));
            element("selector", k.selector()); // RFC 9990: the selector is required, even when empty
            element("result", k.result().keyword());
            xml.writeEndElement();
        }
        boolean mfrom = row.spfScope() == org.jamesdmarc.auth.SpfScope.MFROM;
        if (format == ReportFormat.RFC7489) {
            // RFC 7489: at least one spf element, its scope required (helo or mfrom).
            xml.writeStartElement("spf");
            element("domain", row.spfDomain().orElse(""));
            element("scope", row.spfScope().keyword());
            element("result", row.spfResult().keyword());
            xml.writeEndElement();
        } else if (row.spfDomain().isPresent()) {
            // RFC 9990: spf is optional, its domain required; "mfrom" is the only scope, so a HELO result has none.
            xml.writeStartElement("spf");
            element("domain", row.spfDomain().get());
            if (mfrom) {
                element("scope", "mfrom");
            }
            element("result", row.spfResult().keyword());
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    private void element(String name, String text) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(xmlText(text));
        xml.writeEndElement();
    }

    /** {@code text} with the characters XML 1.0 cannot carry (§2.2 Char) replaced by '?'. */
    static String xmlText(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!allowed(text.charAt(i))) {
                StringBuilder b = new StringBuilder(text.length());
                text.codePoints().forEach(c -> b.appendCodePoint(allowedCodePoint(c) ? c : '?'));
                return b.toString();
            }
        }
        return text;
    }

    private static boolean allowed(char c) {
        // Surrogates are checked as code points by allowedCodePoint.
        return c >= 0x20 && c <= 0xD7FF || c == 0x9 || c == 0xA || c == 0xD || c >= 0xE000 && c <= 0xFFFD;
    }

    private static boolean allowedCodePoint(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD
                || c >= 0x10000 && c <= 0x10FFFF;
    }

    void finish() throws XMLStreamException {
        xml.writeCharacters("\n");
        xml.writeEndElement(); // feedback
        xml.writeEndDocument();
        xml.writeCharacters("\n");
        xml.flush();
        xml.close(); // does not close the underlying writer
        try {
            text.flush(); // not closed: the caller owns the stream
        } catch (java.io.IOException e) {
            throw new XMLStreamException("writing the report failed: " + e.getMessage(), e);
        }
    }

    long records() {
        return records;
    }

    long messages() {
        return messages;
    }
}
