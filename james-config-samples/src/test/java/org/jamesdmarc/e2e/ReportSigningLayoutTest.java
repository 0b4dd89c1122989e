package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./run-james} does for report mail before James starts ({@code --layout-only}, no James): it generates
 * the DKIM key DKIMSign signs DMARC reports with into the James home once (RSA-2048, owner-only), puts its
 * directory on James's class path (DKIMSign reads {@code privateKeyFilepath} as a class-path resource), prints the
 * TXT record that publishes the key, and hands RemoteDelivery its gateway, never an empty one.
 */
class ReportSigningLayoutTest {
    private static final Pattern TXT = Pattern.compile(
        "^\\s*(\\S+)\\._domainkey\\.(\\S+)\\. IN TXT ((?:\"[^\"]*\"\\s*)+)$", Pattern.MULTILINE);

    /** A PEM private key with its base64 body (this test's own text names the marker without a body). */
    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----\\s*[A-Za-z0-9+/]{40}");

    private static Path root;
    private static Path home;
    private static Layout first;

    private record Layout(int exit, String output) {
    }

    @BeforeAll
    static void layOut() throws Exception {
        root = Paths.get(System.getProperty("jamesdmarc.root", "..")).toAbsolutePath().normalize();
        Path dir = Files.createDirectories(Paths.get("target/report-signing-check")).toAbsolutePath();
        home = Files.createTempDirectory(dir, "home-");
        first = layout(home, Map.of());
        assertThat(first.exit()).as(first.output()).isZero();
    }

    private static Layout layout(Path dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("run-james").toString(), "--no-build", "--layout-only",
            dir.toString()).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAMES_RELAY_GATEWAY");
        pb.environment().remove("DMARC_DNS_SERVERS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("layout finished").isTrue();
        return new Layout(p.exitValue(), output);
    }

    private static Path keyFile() {
        return home.resolve("var/dmarc/report-dkim/dmarc-report-dkim.pem");
    }

    @Test
    void aKeyIsGeneratedOnceOwnerOnlyRsa2048() throws Exception {
        assertThat(first.output()).contains("generated the DKIM key of DMARC report mail: " + keyFile());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent())))
            .isEqualTo("rwx------");
        assertThat(privateKey().getModulus().bitLength()).isEqualTo(2048);

        byte[] before = Files.readAllBytes(keyFile());
        Layout again = layout(home, Map.of());
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("generated the DKIM key");
        assertThat(Files.readAllBytes(keyFile())).as("kept across layouts").isEqualTo(before);
    }

    @Test
    void theKeyIsInNoRepositoryFile() throws IOException {
        Path samples = root.resolve("james-config-samples");
        try (var files = Files.walk(samples)) {
            List<Path> withKeys = files.filter(Files::isRegularFile).filter(f -> !f.startsWith(samples.resolve("target")))
                .filter(f -> {
                    try {
                        return PEM_PRIVATE_KEY.matcher(Files.readString(f, StandardCharsets.ISO_8859_1)).find();
                    } catch (IOException e) {
                        return false;
                    }
                }).toList();
            assertThat(withKeys).as("no private key in james-config-samples").isEmpty();
        }
    }

    @Test
    void thePrintedTxtRecordPublishesTheKeyForTheSignatureTemplatesDomainAndSelector() throws Exception {
        Matcher m = TXT.matcher(first.output());
        assertThat(m.find()).as("a TXT record in:%n%s", first.output()).isTrue();
        assertThat(m.group(1)).isEqualTo("dmarc-report");
        assertThat(m.group(2)).isEqualTo("james.local");
        List<String> strings = new ArrayList<>();
        Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(m.group(3));
        while (q.find()) {
            strings.add(q.group(1));
        }
        assertThat(strings).as("RFC 1035 character-strings").allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        String record = String.join("", strings);
        assertThat(record).startsWith("v=DKIM1; k=rsa; p=");
        RSAPrivateCrtKey key = privateKey();
        byte[] expected = KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
        assertThat(Base64.getDecoder().decode(record.substring("v=DKIM1; k=rsa; p=".length())))
            .as("p= is the key's public half").isEqualTo(expected);

        String conf = Files.readString(home.resolve("conf/mailetcontainer.xml"));
        assertThat(conf).contains("<privateKeyFilepath>dmarc-report-dkim.pem</privateKeyFilepath>")
            .contains("s=dmarc-report; d=james.local;");
    }

    @Test
    void jamesGetsTheKeyDirectoryOnItsClassPathAndTheDefaultGateway() {
        assertThat(first.output()).contains(":" + keyFile().getParent() + " org.apache.james.MemoryJamesServerMain")
            .contains("-Djames.relay.gateway=127.0.0.1:9 ");
    }

    @Test
    void anEmptyGatewayIsRefusedBecauseJamesWouldDeliverByMx() throws Exception {
        Layout empty = layout(Files.createTempDirectory(home.getParent(), "empty-gw-"),
            Map.of("JAMES_RELAY_GATEWAY", ""));
        assertThat(empty.exit()).isNotZero();
        assertThat(empty.output()).contains("JAMES_RELAY_GATEWAY must be host:port")
            .contains("direct MX delivery to the Internet");
    }

    @Test
    void aGatewayIsPassedToJames() throws Exception {
        Layout set = layout(Files.createTempDirectory(home.getParent(), "gw-"),
            Map.of("JAMES_RELAY_GATEWAY", "smarthost.example:587"));
        assertThat(set.exit()).as(set.output()).isZero();
        assertThat(set.output()).contains("-Djames.relay.gateway=smarthost.example:587 ")
            .contains("relayed to smarthost.example:587");
    }

    @Test
    void theReportTaskAsksTheDnsServersOfTheCheckUnlessConfigured() throws Exception {
        Path dir = Files.createTempDirectory(home.getParent(), "dns-");
        Layout set = layout(dir, Map.of("DMARC_DNS_SERVERS", "127.0.0.1:5353"));
        assertThat(set.exit()).as(set.output()).isZero();
        Pattern setting = Pattern.compile("(?m)^report\\.dnsServers=.*$");
        assertThat(setting.matcher(Files.readString(dir.resolve("conf/dmarc.properties"))).results()
            .map(r -> r.group())).containsExactly("report.dnsServers=127.0.0.1:5353");

        assertThat(setting.matcher(Files.readString(home.resolve("conf/dmarc.properties"))).find())
            .as("DMARC_DNS_SERVERS unset: the sample's default").isFalse();
    }

    private static RSAPrivateCrtKey privateKey() throws IOException, GeneralSecurityException {
        String pem = Files.readString(keyFile());
        assertThat(pem).as("PKCS#8, which DKIMSign reads").startsWith("-----BEGIN PRIVATE KEY-----");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
