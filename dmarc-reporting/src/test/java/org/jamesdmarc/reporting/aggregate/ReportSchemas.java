package org.jamesdmarc.reporting.aggregate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.jamesdmarc.testsupport.MissingTool;
import org.xml.sax.SAXException;

/**
 * The schemas the tests validate every report against: RFC 9990's, read from {@code ../shared/reference/} beside the
 * repository (as CI lays it out; a clear failure when missing), and RFC 7489's (Appendix C) as Debian's
 * {@code libmail-dmarc-perl} ships it ({@code .ci/run} installs it; {@link MissingTool} otherwise), read with its
 * target namespace removed: RFC 7489 reports carry none.
 */
public final class ReportSchemas {

    static final String RFC9990_XSD = "rfc9990-aggregate-report-schema.xsd";
    static final Path RFC7489_XSD = Path.of("/usr/share/perl5/auto/share/dist/Mail-DMARC/rua-schema.xsd");

    private static Schema rfc9990;
    private static Schema rfc7489;

    private ReportSchemas() {
    }

    /** {@code shared/reference/<name>} beside the repository (the first ancestor of the working directory with one). */
    static Path reference(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            Path candidate = dir.getParent().resolve("shared").resolve("reference").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("../shared/reference/" + name + " (beside the repository clone) not found from "
                + Path.of("").toAbsolutePath() + ": the report tests validate against it");
    }

    static synchronized Schema rfc9990() throws SAXException {
        if (rfc9990 == null) {
            rfc9990 = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(reference(RFC9990_XSD).toFile());
        }
        return rfc9990;
    }

    static synchronized Schema rfc7489() throws SAXException, IOException {
        if (rfc7489 == null) {
            if (!Files.isRegularFile(RFC7489_XSD)) {
                MissingTool.unavailable("RFC 7489's report schema " + RFC7489_XSD + " (Debian package libmail-dmarc-perl)");
            }
            String xsd = Files.readString(RFC7489_XSD).replace("targetNamespace=\"http://dmarc.org/dmarc-xml/0.1\"", "");
            rfc7489 = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(new StreamSource(new StringReader(xsd)));
        }
        return rfc7489;
    }

    /** Validates {@code xml} against its format's schema; throws with the schema's message when invalid. */
    public static void validate(byte[] xml, ReportFormat format) throws SAXException, IOException {
        Schema schema = format == ReportFormat.RFC9990 ? rfc9990() : rfc7489();
        try {
            schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
        } catch (SAXException e) {
            throw new AssertionError(format + " report invalid: " + e.getMessage() + "\n"
                    + new String(xml, StandardCharsets.UTF_8), e);
        }
    }
}
