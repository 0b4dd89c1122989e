package org.jamesdmarc.reporting.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Aggregate and failure reports written by the tests, in the shapes of RFC 9990's and RFC 7489's examples and of
 * what big senders send (Google: RFC 7489, no namespace, zipped; Microsoft: RFC 7489 with xsd/xsi attributes and
 * envelope_to, gzip'd; Yahoo: plain XML with odd whitespace), plus hostile ones.
 */
public final class ReportSamples {

    private ReportSamples() {
    }

    /** RFC 9990, its namespace, a reason and two DKIM results: 3 records, 17 messages, 12 passing. */
    public static String rfc9990() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
                  <version>1.0</version>
                  <report_metadata>
                    <org_name>Sample Receiver</org_name>
                    <email>dmarc-reporting@receiver.example</email>
                    <extra_contact_info>https://receiver.example/dmarc</extra_contact_info>
                    <report_id>3v98abbp8ya9n3va8yr8oa3ya</report_id>
                    <date_range><begin>1764547200</begin><end>1764633599</end></date_range>
                    <generator>Example DMARC Aggregate Reporter v1.2</generator>
                  </report_metadata>
                  <policy_published>
                    <domain>example.com</domain>
                    <discovery_method>treewalk</discovery_method>
                    <p>quarantine</p><sp>none</sp><np>reject</np>
                    <adkim>s</adkim><aspf>r</aspf><testing>n</testing><fo>1</fo>
                  </policy_published>
                  <extension><x:thing xmlns:x="urn:example:ext">ignored</x:thing></extension>
                  <record>
                    <row>
                      <source_ip>192.0.2.123</source_ip><count>10</count>
                      <policy_evaluated><disposition>pass</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated>
                    </row>
                    <identifiers><envelope_from>example.com</envelope_from><header_from>example.com</header_from></identifiers>
                    <auth_results>
                      <dkim><domain>example.com</domain><selector>abc123</selector><result>pass</result></dkim>
                      <dkim><domain>esp.example</domain><selector>s2</selector><result>fail</result></dkim>
                      <spf><domain>example.com</domain><scope>mfrom</scope><result>fail</result></spf>
                    </auth_results>
                  </record>
                  <record>
                    <row>
                      <source_ip>2001:db8::25</source_ip><count>2</count>
                      <policy_evaluated><disposition>quarantine</disposition><dkim>fail</dkim><spf>pass</spf></policy_evaluated>
                    </row>
                    <identifiers><header_from>example.com</header_from></identifiers>
                    <auth_results><spf><domain>example.com</domain><result>pass</result></spf></auth_results>
                  </record>
                  <record>
                    <row>
                      <source_ip>198.51.100.7</source_ip><count>5</count>
                      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>
                        <reason><type>mailing_list</type><comment>list.example</comment></reason>
                      </policy_evaluated>
                    </row>
                    <identifiers><envelope_from>list.example</envelope_from><header_from>example.com</header_from></identifiers>
                    <auth_results><spf><domain>list.example</domain><scope>mfrom</scope><result>softfail</result></spf></auth_results>
                  </record>
                </feedback>
                """;
    }

    /** Google's shape: RFC 7489, no namespace: 2 records, 1,001 messages, 1,000 passing. */
    public static String googleStyle(String reportId) {
        return """
                <?xml version="1.0" encoding="UTF-8" ?>
                <feedback>
                  <report_metadata>
                    <org_name>google.com</org_name>
                    <email>noreply-dmarc-support@google.com</email>
                    <extra_contact_info>https://support.google.com/a/answer/2466580</extra_contact_info>
                    <report_id>%s</report_id>
                    <date_range>
                      <begin>1764460800</begin>
                      <end>1764547199</end>
                    </date_range>
                  </report_metadata>
                  <policy_published>
                    <domain>example.com</domain>
                    <adkim>r</adkim>
                    <aspf>r</aspf>
                    <p>none</p>
                    <sp>none</sp>
                    <pct>100</pct>
                  </policy_published>
                  <record>
                    <row>
                      <source_ip>209.85.220.41</source_ip>
                      <count>1000</count>
                      <policy_evaluated>
                        <disposition>none</disposition>
                        <dkim>pass</dkim>
                        <spf>pass</spf>
                      </policy_evaluated>
                    </row>
                    <identifiers>
                      <header_from>example.com</header_from>
                    </identifiers>
                    <auth_results>
                      <dkim>
                        <domain>example.com</domain>
                        <result>pass</result>
                        <selector>google</selector>
                      </dkim>
                      <spf>
                        <domain>example.com</domain>
                        <result>pass</result>
                      </spf>
                    </auth_results>
                  </record>
                  <record>
                    <row>
                      <source_ip>203.0.113.9</source_ip>
                      <count>1</count>
                      <policy_evaluated>
                        <disposition>none</disposition>
                        <dkim>fail</dkim>
                        <spf>fail</spf>
                        <reason><type>forwarded</type></reason>
                      </policy_evaluated>
                    </row>
                    <identifiers>
                      <header_from>example.com</header_from>
                    </identifiers>
                    <auth_results>
                      <spf>
                        <domain>forwarder.example</domain>
                        <result>none</result>
                      </spf>
                    </auth_results>
                  </record>
                </feedback>
                """.formatted(reportId);
    }

    /** Microsoft's shape: RFC 7489, xsd/xsi attributes, version, envelope_to: 1 record of 3 messages, failing. */
    public static String microsoftStyle() {
        return "<?xml version=\"1.0\"?>\r\n<feedback xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
                + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n  <version>1.0</version>\r\n"
                + "  <report_metadata>\r\n    <org_name>Enterprise Outlook</org_name>\r\n"
                + "    <email>dmarcreport@microsoft.com</email>\r\n"
                + "    <report_id>4a1b1c8d93f04ed6a1b4e0f1c2d3e4f5</report_id>\r\n"
                + "    <date_range>\r\n      <begin>1764460800</begin>\r\n      <end>1764547200</end>\r\n"
                + "    </date_range>\r\n  </report_metadata>\r\n  <policy_published>\r\n"
                + "    <domain>example.com</domain>\r\n    <adkim>r</adkim>\r\n    <aspf>r</aspf>\r\n"
                + "    <p>reject</p>\r\n    <sp>reject</sp>\r\n    <pct>100</pct>\r\n    <fo>0</fo>\r\n"
                + "  </policy_published>\r\n  <record>\r\n    <row>\r\n      <source_ip>192.0.2.66</source_ip>\r\n"
                + "      <count>3</count>\r\n      <policy_evaluated>\r\n        <disposition>reject</disposition>\r\n"
                + "        <dkim>fail</dkim>\r\n        <spf>fail</spf>\r\n      </policy_evaluated>\r\n    </row>\r\n"
                + "    <identifiers>\r\n      <envelope_to>outlook.com</envelope_to>\r\n"
                + "      <envelope_from>spoof.example</envelope_from>\r\n      <header_from>example.com</header_from>\r\n"
                + "    </identifiers>\r\n    <auth_results>\r\n      <spf>\r\n        <domain>spoof.example</domain>\r\n"
                + "        <scope>mfrom</scope>\r\n        <result>fail</result>\r\n      </spf>\r\n"
                + "    </auth_results>\r\n  </record>\r\n</feedback>\r\n";
    }

    /**
     * Yahoo's shape with odd whitespace: a byte order mark, RFC 7489's namespace, tabs and line breaks inside
     * values, upper-case keywords, a comment: 1 record of 4 messages, passing by SPF.
     */
    public static String yahooStyleOddWhitespace() {
        return "\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Yahoo -->\n"
                + "<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">\n<report_metadata><org_name>\n\t Yahoo \n</org_name>"
                + "<email>dmarchelp@yahooinc.com</email><report_id>\t1764460800.123456\n</report_id>"
                + "<date_range><begin> 1764460800 </begin><end>\n1764547199\n</end></date_range></report_metadata>"
                + "<policy_published><domain> Example.COM </domain><adkim>R</adkim><aspf> r</aspf><p>QUARANTINE</p>"
                + "<pct>50</pct></policy_published>"
                + "<record><row><source_ip>\n  192.0.2.200\n  </source_ip><count>\t4\t</count><policy_evaluated>"
                + "<disposition> None </disposition><dkim>FAIL</dkim><spf> Pass </spf></policy_evaluated></row>"
                + "<identifiers><header_from>\texample.com</header_from></identifiers><auth_results>"
                + "<spf><domain>example.com</domain><result>PASS</result></spf></auth_results></record></feedback>";
    }

    /** RFC 9990's elements without its namespace (np, discovery_method): 1 record with the largest count allowed. */
    public static String rfc9990NoNamespaceHugeCount() {
        return hugeCount("9223372036854775807");
    }

    /** One past the largest count: refused. */
    public static String countPastTheLimit() {
        return hugeCount("9223372036854775808");
    }

    private static String hugeCount(String count) {
        return "<feedback><report_metadata><org_name>Huge</org_name><email>r@huge.example</email>"
                + "<report_id>huge-" + count + "</report_id><date_range><begin>1764547200</begin><end>1764633599</end>"
                + "</date_range></report_metadata><policy_published><domain>example.org</domain>"
                + "<discovery_method>psl</discovery_method><p>reject</p><np>reject</np></policy_published>"
                + "<record><row><source_ip>192.0.2.1</source_ip><count>" + count + "</count><policy_evaluated>"
                + "<disposition>pass</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>"
                + "<identifiers><header_from>example.org</header_from></identifiers><auth_results/></record></feedback>";
    }

    /** An XXE attempt: an external entity naming a local file. */
    public static String xxe() {
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + "<feedback><report_metadata><org_name>&xxe;</org_name></report_metadata></feedback>";
    }

    /** The billion laughs: entities expanding to 10^9 "lol"s. */
    public static String billionLaughs() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            b.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                b.append("&lol").append(i == 1 ? "" : Integer.toString(i - 1)).append(';');
            }
            b.append("\">\n");
        }
        return b.append("]>\n<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>")
                .toString();
    }

    /** A well-formed document that is not a report. */
    public static String wrongRoot() {
        return "<?xml version=\"1.0\"?><html><body>not a report</body></html>";
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip with the given entries (name, content, name, content, ...). */
    public static byte[] zip(Object... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) entries[i]));
                z.write((byte[]) entries[i + 1]);
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A gzip of a report's root and {@code megabytes} MB of spaces (a decompression bomb: about 1,000 to 1). */
    public static byte[] gzipBomb(int megabytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        java.util.Arrays.fill(zeros, (byte) ' ');
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(utf8("<feedback>"));
            for (int i = 0; i < megabytes; i++) {
                z.write(zeros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A mail from {@code from} carrying {@code attachment} (base64) as {@code fileName} of {@code contentType}. */
    public static byte[] mail(String from, String messageId, String contentType, String fileName, byte[] attachment) {
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
        String m = "From: " + from + "\r\nTo: dmarc-reports@james.local\r\nSubject: Report Domain: example.com "
                + "Submitter: receiver.example Report-ID: <" + messageId + ">\r\nMessage-ID: <" + messageId + ">\r\n"
                + "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is an aggregate report.\r\n"
                + "--b1\r\nContent-Type: " + contentType + "; name=\"" + fileName + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b1--\r\n";
        return m.getBytes(StandardCharsets.US_ASCII);
    }

    /** A failure report (RFC 9991, RFC 6591 ARF) about a message from 192.0.2.66 claiming example.com. */
    public static byte[] failureReportMail(String messageId) {
        String m = "From: DMARC Failure Reports <ruf-sender@receiver.example>\r\nTo: dmarc-reports@james.local\r\n"
                + "Subject: FW: Earn money\r\nMessage-ID: <" + messageId + ">\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"rpt\"\r\n\r\n"
                + "--rpt\r\nContent-Type: text/plain; charset=\"US-ASCII\"\r\n\r\n"
                + "This is an authentication failure report for an email message received from IP 192.0.2.66.\r\n"
                + "--rpt\r\nContent-Type: message/feedback-report\r\n\r\n"
                + "Feedback-Type: auth-failure\r\nUser-Agent: Example/1.0\r\nVersion: 1\r\n"
                + "Original-Mail-From: <spoofer@spoof.example>\r\nOriginal-Rcpt-To: <user@receiver.example>\r\n"
                + "Arrival-Date: Tue, 01 Dec 2026 09:59:00 +0000\r\nSource-IP: 192.0.2.66\r\n"
                + "Reported-Domain: example.com\r\nAuth-Failure: dmarc\r\nDelivery-Result: reject\r\n"
                + "Authentication-Results: receiver.example; dmarc=fail (p=reject)\r\n header.from=example.com\r\n\r\n"
                + "--rpt\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                + "From: \"Example\" <ceo@example.com>\r\nTo: user@receiver.example\r\nSubject: Earn money\r\n"
                + "Date: Tue, 01 Dec 2026 09:58:00 +0000\r\n\r\n--rpt--\r\n";
        return m.getBytes(StandardCharsets.US_ASCII);
    }
}
