package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Postfix samples in {@code james-config-samples/postfix/} as Postfix itself reads them: Debian's
 * {@code postconf} must take {@code main.cf.snippet} and {@code master.cf.snippet} without a warning
 * (a misspelt parameter is an "unused parameter" warning), also with their commented-out alternatives
 * switched on, and the settings the README relies on must have the documented values.
 */
class PostfixSnippetsTest {

    /** A commented-out main.cf assignment: {@code #name = value} or {@code #   name = value}. */
    private static final Pattern COMMENTED_PARAMETER = Pattern.compile("#\\s*([a-z][a-z0-9_-]*) = ?(.*)");
    /** A commented-out master.cf service line. */
    private static final Pattern COMMENTED_SERVICE = Pattern.compile("#(\\S+\\s+(?:inet|unix|unix-dgram|fifo|pass)\\s.*)");
    /** A commented-out continuation of a service line (-o, or a pipe/spawn argument). */
    private static final Pattern COMMENTED_CONTINUATION = Pattern.compile("#(\\s+(?:-o\\s+\\S|user=|flags=).*)");

    @TempDir
    Path config;

    @BeforeEach
    void postconfInstalled() {
        if (!Files.isExecutable(PostfixRelay.POSTCONF)) {
            MissingTool.unavailable(PostfixRelay.POSTCONF + " is missing (apt-get install postfix)");
        }
    }

    @Test
    void postfixReadsTheSnippetsWithoutWarnings() throws Exception {
        Files.writeString(config.resolve("main.cf"), snippet("main.cf.snippet"));
        Files.writeString(config.resolve("master.cf"), snippet("master.cf.snippet"));

        assertClean(postconf("-n"));
        assertClean(postconf("-M"));
        assertClean(postconf("-P"));
    }

    @Test
    void theSnippetsSayWhatTheReadmeSays() throws Exception {
        Files.writeString(config.resolve("main.cf"), snippet("main.cf.snippet"));
        Files.writeString(config.resolve("master.cf"), snippet("master.cf.snippet"));

        assertThat(value("relay_transport")).isEqualTo("relay:[127.0.0.1]:2525");
        assertThat(value("mynetworks")).isEqualTo("127.0.0.1/32 [::1]/128");
        assertThat(value("smtpd_relay_restrictions")).endsWith("reject_unauth_destination");
        assertThat(value("smtpd_milters")).isEmpty();
        assertThat(value("non_smtpd_milters")).isEmpty();
        assertThat(value("smtpd_helo_required")).isEqualTo("yes");
        assertThat(value("disable_mime_output_conversion")).isEqualTo("yes");
        assertThat(value("relayhost")).isEmpty();
        // the relay service, and only it, connects from the address James lists in trustedRelays
        assertThat(postconf("-P", "-h", "relay/unix/smtp_bind_address").output().strip()).isEqualTo("127.0.0.1");
        assertThat(value("smtp_bind_address")).isEmpty();
        // mode A is the active one; mode B is only in comments
        assertThat(postconf("-M", "smtp/inet").output()).contains("smtpd").doesNotContain("proxy");
    }

    @Test
    void theCommentedOutAlternativesAreValidToo() throws Exception {
        Files.writeString(config.resolve("main.cf"), withMainCfAlternatives(snippet("main.cf.snippet")));
        Files.writeString(config.resolve("master.cf"), withMasterCfAlternatives(snippet("master.cf.snippet")));

        assertClean(postconf("-n"));
        assertClean(postconf("-M"));
        assertClean(postconf("-P"));
        // mode B replaced mode A, and the SPF policy service exists for its time limit parameter
        assertThat(postconf("-P", "-h", "smtp/inet/smtpd_proxy_filter").output().strip()).isEqualTo("127.0.0.1:2525");
        assertThat(postconf("-M", "policyd-spf/unix").output()).contains("spawn");
        assertThat(value("policyd-spf_time_limit")).isEqualTo("3600");
    }

    /** main.cf with every commented-out assignment (first line of its value) appended. */
    private static String withMainCfAlternatives(String mainCf) {
        StringBuilder sb = new StringBuilder(mainCf).append("\n# alternatives switched on by the test\n");
        int found = 0;
        for (String line : mainCf.split("\n")) {
            Matcher m = COMMENTED_PARAMETER.matcher(line);
            if (m.matches()) {
                sb.append(m.group(1)).append(" = ").append(m.group(2).strip()).append('\n');
                found++;
            }
        }
        assertThat(found).as("commented-out parameters in main.cf.snippet").isGreaterThanOrEqualTo(5);
        return sb.toString();
    }

    /**
     * master.cf with the commented-out services switched on; an alternative for a service that is
     * active (same name and type) replaces the active one.
     */
    private static String withMasterCfAlternatives(String masterCf) {
        List<List<String>> active = new ArrayList<>();
        List<List<String>> alternatives = new ArrayList<>();
        List<String> current = null;
        for (String line : masterCf.split("\n")) {
            Matcher service = COMMENTED_SERVICE.matcher(line);
            Matcher continuation = COMMENTED_CONTINUATION.matcher(line);
            if (service.matches()) {
                current = new ArrayList<>(List.of(service.group(1)));
                alternatives.add(current);
            } else if (continuation.matches() && current != null && alternatives.contains(current)) {
                current.add(continuation.group(1));
            } else if (!line.isBlank() && !line.startsWith("#") && !Character.isWhitespace(line.charAt(0))) {
                current = new ArrayList<>(List.of(line));
                active.add(current);
            } else if (!line.isBlank() && !line.startsWith("#") && current != null) {
                current.add(line);
            } else {
                current = null;
            }
        }
        assertThat(alternatives).as("commented-out services in master.cf.snippet").hasSizeGreaterThanOrEqualTo(2);
        for (List<String> alternative : alternatives) {
            active.removeIf(entry -> serviceKey(entry).equals(serviceKey(alternative)));
        }
        active.addAll(alternatives);
        StringBuilder sb = new StringBuilder();
        active.forEach(entry -> entry.forEach(l -> sb.append(l).append('\n')));
        return sb.toString();
    }

    private static String serviceKey(List<String> entry) {
        String[] f = entry.get(0).trim().split("\\s+");
        return f[0] + "/" + f[1];
    }

    private static String snippet(String name) throws IOException {
        String root = System.getProperty("jamesdmarc.root");
        Path module = root != null ? Path.of(root, "james-config-samples") : Path.of("").toAbsolutePath();
        return Files.readString(module.resolve("postfix").resolve(name), StandardCharsets.UTF_8);
    }

    private String value(String parameter) throws Exception {
        Result r = postconf("-h", parameter);
        assertClean(r);
        return r.output().strip();
    }

    private static void assertClean(Result r) {
        assertThat(r.exitCode()).as("postconf exit status; output:\n%s", r.output()).isZero();
        assertThat(r.output()).as("postconf output").doesNotContain("warning:").doesNotContain("fatal:");
    }

    private record Result(int exitCode, String output) {
    }

    private Result postconf(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PostfixRelay.POSTCONF.toString(), "-c", config.toString()));
        command.addAll(List.of(args));
        Path out = config.resolve("postconf.out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("MAIL_CONFIG");
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("postconf did not finish: " + command);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return new Result(p.exitValue(), output);
    }
}
