package org.jamesdmarc.mail.differential;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.mail.Address;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Independent readers of the author of a message, each as a mail client built on it would show it: mime4j
 * (James's own IMAP ENVELOPE), javax.mail strict and lenient, Python's {@code email} with {@code policy.default}
 * and two npm parsers (subprocesses, one per batch). Each gives, per header section, the domains it reads from the
 * From fields, or {@code null} when it reads none.
 */
final class OtherFromReaders {

    static final Path SCRIPTS = Path.of("src/test/differential");
    private static final ObjectMapper JSON = new ObjectMapper();

    private OtherFromReaders() {
    }

    /** Reader name → domains per section (null entries: the reader shows no author). */
    static Map<String, List<List<String>>> read(List<byte[]> sections) throws IOException, InterruptedException {
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        out.put("mime4j-message", perSection(sections, OtherFromReaders::mime4jMessage));
        out.put("mime4j-strict", perSection(sections, s -> mime4jField(s, true)));
        out.put("mime4j-lenient", perSection(sections, s -> mime4jField(s, false)));
        out.put("javamail-strict", perSection(sections, s -> javaMail(s, true)));
        out.put("javamail-lenient", perSection(sections, s -> javaMail(s, false)));
        List<String> wire = sections.stream().map(s -> new String(s, StandardCharsets.ISO_8859_1)).toList();
        out.put("python-email", JSON.readValue(run(List.of("python3", SCRIPTS.resolve("from_python.py").toString()), wire),
                new TypeReference<List<List<String>>>() { }));
        Map<String, List<List<String>>> js = JSON.readValue(
                run(List.of("node", SCRIPTS.resolve("from_js.js").toString()), wire),
                new TypeReference<Map<String, List<List<String>>>>() { });
        js.forEach((name, v) -> out.put("npm-" + name, v));
        return out;
    }

    private interface Reader {
        List<String> domains(byte[] section) throws Exception;
    }

    private static List<List<String>> perSection(List<byte[]> sections, Reader reader) {
        List<List<String>> out = new ArrayList<>(sections.size());
        for (byte[] s : sections) {
            List<String> d;
            try {
                d = reader.domains(s);
            } catch (Exception | StackOverflowError e) {
                d = null; // the reader gives up: it shows no author
            } catch (Error e) {
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
                d = null; // mime4j's DecoderUtil wraps a bad base64 encoded-word's IOException in an Error: gives up
            }
            List<String> domains = d == null ? List.of()
                    : d.stream().filter(x -> x != null && !x.isBlank()).toList();
            out.add(domains.isEmpty() ? null : domains);
        }
        return out;
    }

    private static byte[] message(byte[] section) {
        byte[] tail = "\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[section.length + tail.length];
        System.arraycopy(section, 0, m, 0, section.length);
        System.arraycopy(tail, 0, m, section.length, tail.length);
        return m;
    }

    private static List<String> mime4jMessage(byte[] section) throws Exception {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        Message m = builder.parseMessage(new ByteArrayInputStream(message(section)));
        MailboxList from = m.getFrom();
        List<String> out = new ArrayList<>();
        if (from != null) {
            for (Mailbox mb : from) {
                out.add(mb.getDomain());
            }
        }
        return out;
    }

    private static List<String> mime4jField(byte[] section, boolean strict) throws Exception {
        List<String> out = new ArrayList<>();
        for (String value : fromValues(section)) {
            var list = strict ? DefaultAddressParser.DEFAULT.parseAddressList(value)
                    : LenientAddressParser.DEFAULT.parseAddressList(value);
            for (Mailbox mb : list.flatten()) {
                out.add(mb.getDomain());
            }
        }
        return out;
    }

    private static List<String> javaMail(byte[] section, boolean strict) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message(section)));
        String[] values = m.getHeader("From");
        List<String> out = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            for (Address a : InternetAddress.parseHeader(v, strict)) {
                InternetAddress ia = (InternetAddress) a;
                // javax.mail returns a group as one address whose text is the whole group syntax
                // ("Team: <a@b.test>;", so "b.test>;" after its '@'); a client shows the members.
                for (InternetAddress member : ia.isGroup() ? ia.getGroup(strict) : new InternetAddress[] {ia}) {
                    String address = member.getAddress();
                    int at = address == null ? -1 : address.lastIndexOf('@');
                    if (at >= 0) {
                        out.add(address.substring(at + 1));
                    }
                }
            }
        }
        return out;
    }

    /** The From field bodies of a section as javax.mail unfolds them (lines at CRLF or LF). */
    private static List<String> fromValues(byte[] section) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message(section)));
        String[] values = m.getHeader("From");
        return values == null ? List.of() : List.of(values);
    }

    private static String run(List<String> command, List<String> input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(Path.of(".").toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (var in = p.getOutputStream()) {
            JSON.writeValue(in, input);
        }
        byte[] out;
        try (InputStream o = p.getInputStream()) {
            out = o.readAllBytes();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Whether the subprocess readers can run here (python3 and node with the npm parsers installed). */
    static String missingTools() {
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules/email-addresses"))
                || !Files.isDirectory(SCRIPTS.resolve("node_modules/addressparser"))) {
            return "the npm parsers are not installed: run 'npm ci' in dmarc-mailet/" + SCRIPTS + " (.ci/run does)";
        }
        for (String tool : List.of("python3", "node")) {
            try {
                Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() != 0) {
                    return tool + " does not run";
                }
            } catch (IOException | InterruptedException e) {
                return tool + " is not installed (apt-get install python3 nodejs)";
            }
        }
        return null;
    }
}
