package org.jamesdmarc.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.auth.arc.ArcHops.DNS;
import static org.jamesdmarc.auth.arc.ArcHops.FORWARDER;
import static org.jamesdmarc.auth.arc.ArcHops.LIST;
import static org.jamesdmarc.auth.arc.ArcHops.RELAY;
import static org.jamesdmarc.auth.arc.ArcHops.bytes;
import static org.jamesdmarc.auth.arc.ArcHops.message;
import static org.jamesdmarc.auth.arc.ArcHops.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with Python's dkimpy (Debian {@code python3-dkim}, with {@code python3-authres}), run as a process: chains
 * sealed by dkimpy's {@code arc_sign} verified by our {@link ArcVerifier}, and chains sealed by our
 * {@link ArcSigner} verified by dkimpy's {@code arc_verify}, alone and mixed, intact and tampered. dkimpy seals
 * with relaxed/relaxed only; the simple canonicalizations are ours, checked by dkimpy.
 */
class ArcDkimpyInteropTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path dir;
    private static Path script;
    private static Path keys;

    private final ArcVerifier verifier = new ArcVerifier();

    @BeforeAll
    static void dkimpy() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON)) || run(List.of(PYTHON, "-c", "import dkim, authres"), null).exit != 0) {
            MissingTool.unavailable("dkimpy's ARC (Debian packages python3-dkim and python3-authres)");
        }
        script = dir.resolve("dkimpy-arc.py");
        try (InputStream in = ArcDkimpyInteropTest.class.getResourceAsStream("dkimpy-arc.py")) {
            Files.write(script, in.readAllBytes());
        }
        keys = dir.resolve("keys.tsv");
        StringBuilder records = new StringBuilder();
        for (DkimTestSigner k : List.of(LIST, FORWARDER, RELAY)) {
            records.append(k.keyRecordName()).append('\t').append(k.txtRecord()).append('\n');
            Files.writeString(dir.resolve(k.domain() + ".pem"), pkcs1Pem(k));
        }
        Files.writeString(keys, records);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void chainsSealedByDkimpyPassWithUs(int hops) throws Exception {
        byte[] m = dkimpyChain(message(), hops);
        ArcOutcome outcome = verifier.verify(m, DNS);
        assertThat(outcome.result()).as(outcome.reason()).isEqualTo(ArcResult.PASS);
        assertThat(outcome.sets()).hasSize(hops);
        assertThat(dkimpyVerify(m)).startsWith("cv=pass");
    }

    @Test
    void aBodyTamperedAfterDkimpySealedFailsWithUsAndWithDkimpy() throws Exception {
        byte[] m = bytes(text(dkimpyChain(message(), 2)) + "appended by an attacker\r\n");
        ArcOutcome outcome = verifier.verify(m, DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).isEqualTo("ARC-Message-Signature i=2: body hash did not verify");
        assertThat(dkimpyVerify(m)).startsWith("cv=fail");
    }

    @Test
    void aTamperedDkimpySealFailsWithUsAndWithDkimpy() throws Exception {
        String two = text(dkimpyChain(message(), 2));
        // Flip one character of the first seal's b= (the seal of set 1; its AMS and AAR are untouched).
        int seal1 = two.indexOf("ARC-Seal: i=1");
        int b = two.indexOf("b=", two.indexOf("s=", seal1)) + 10;
        char c = two.charAt(b);
        String tampered = two.substring(0, b) + (c == 'A' ? 'B' : 'A') + two.substring(b + 1);
        ArcOutcome outcome = verifier.verify(bytes(tampered), DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        // Newest seal first (RFC 8617 §5.2 step 6): seal 2 signs seal 1 with its b=, so it is the first to fail.
        assertThat(outcome.reason()).isEqualTo("ARC-Seal i=2: signature did not verify");
        assertThat(dkimpyVerify(bytes(tampered))).startsWith("cv=fail");
    }

    @ParameterizedTest
    @ValueSource(strings = {"relaxed/relaxed", "relaxed/simple", "simple/simple", "simple/relaxed"})
    void chainsSealedByUsPassWithDkimpy(String canonicalization) throws Exception {
        byte[] m = message();
        List<Path> hops = new ArrayList<>();
        for (DkimTestSigner hop : List.of(RELAY, FORWARDER, LIST)) {
            m = ArcHops.seal(m, ArcHops.signer(hop, canonicalization));
            hops.add(Files.write(dir.resolve(canonicalization.replace('/', '-') + "-" + hops.size() + ".eml"), m));
        }
        assertThat(verifier.verify(m, DNS).result()).isEqualTo(ArcResult.PASS);
        assertThat(dkimpyVerify(hops)).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("cv=pass"));
    }

    @Test
    void aBodyTamperedAfterWeSealedFailsWithDkimpy() throws Exception {
        byte[] m = bytes(text(ArcHops.seal(message(), LIST)) + "appended\r\n");
        assertThat(dkimpyVerify(m)).startsWith("cv=fail");
    }

    @Test
    void mixedChainsPassBothWays() throws Exception {
        // dkimpy, then us, then dkimpy.
        byte[] m = dkimpySeal(withResults(message(), "hop1.example", "spf=pass smtp.mailfrom=example.com"), RELAY,
                "hop1.example");
        m = ArcHops.seal(m, ArcHops.signer(FORWARDER, "relaxed/simple"));
        m = dkimpySeal(withResults(m, "hop3.example", "arc=" + verifier.verify(m, DNS).result().keyword()), LIST,
                "hop3.example");
        ArcOutcome outcome = verifier.verify(m, DNS);
        assertThat(outcome.result()).as(outcome.reason()).isEqualTo(ArcResult.PASS);
        assertThat(outcome.sets()).extracting(s -> s.sealer().orElseThrow().name())
                .containsExactly("relay.example.com", "fwd.example.net", "lists.example.org");
        assertThat(dkimpyVerify(m)).startsWith("cv=pass");
    }

    /** {@code hops} seals by dkimpy, each hop recording our verdict of the chain it received as {@code arc=}. */
    private byte[] dkimpyChain(byte[] message, int hops) throws Exception {
        List<DkimTestSigner> sealers = List.of(RELAY, FORWARDER, LIST);
        byte[] m = message;
        for (int i = 1; i <= hops; i++) {
            String srv = "hop" + i + ".example";
            String results = i == 1 ? "spf=pass smtp.mailfrom=example.com"
                    : "arc=" + verifier.verify(m, DNS).result().keyword();
            m = dkimpySeal(withResults(m, srv, results), sealers.get(i - 1), srv);
        }
        return m;
    }

    private static byte[] withResults(byte[] message, String authservId, String results) {
        return DkimTestSigner.prepend("Authentication-Results: " + authservId + "; " + results, message);
    }

    private static byte[] dkimpySeal(byte[] message, DkimTestSigner key, String srvId) throws Exception {
        Result r = run(List.of(PYTHON, script.toString(), "sign", key.selector(), key.domain(),
                dir.resolve(key.domain() + ".pem").toString(), srvId), message);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out.length).isGreaterThan(message.length);
        return r.out;
    }

    private static String dkimpyVerify(byte[] message) throws Exception {
        Result r = run(List.of(PYTHON, script.toString(), "verify", keys.toString()), message);
        assertThat(r.exit).as(r.err).isZero();
        return new String(r.out, StandardCharsets.UTF_8);
    }

    /** dkimpy's verdict on each file, one process. */
    private static List<String> dkimpyVerify(List<Path> messages) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "verify", keys.toString()));
        messages.forEach(p -> command.add(p.toString()));
        Result r = run(command, null);
        assertThat(r.exit).as(r.err).isZero();
        return new String(r.out, StandardCharsets.UTF_8).lines().toList();
    }

    private record Result(int exit, byte[] out, String err) {
    }

    private static Result run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
        Path err = Files.createTempFile("dkimpy", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectError(err.toFile()).start();
            Thread writer = new Thread(() -> {
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin);
                    }
                } catch (IOException e) {
                    // the process ended early: its exit status says why
                }
            });
            writer.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("dkimpy did not finish: " + command);
            }
            writer.join();
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The test key as PKCS#1 PEM (dkimpy reads RSAPrivateKey only): the OCTET STRING inside Java's PKCS#8. */
    private static String pkcs1Pem(DkimTestSigner key) {
        byte[] der = key.privateKey().getEncoded();
        int[] at = {0};
        expect(der, at, 0x30);
        readLength(der, at); // PrivateKeyInfo
        expect(der, at, 0x02);
        int version = readLength(der, at);
        at[0] += version;
        expect(der, at, 0x30);
        int algorithm = readLength(der, at);
        at[0] += algorithm;
        expect(der, at, 0x04);
        int length = readLength(der, at);
        byte[] pkcs1 = java.util.Arrays.copyOfRange(der, at[0], at[0] + length);
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if ((der[at[0]++] & 0xff) != tag) {
            throw new IllegalStateException("unexpected PKCS#8 structure");
        }
    }

    private static int readLength(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = length << 8 | der[at[0]++] & 0xff;
        }
        return length;
    }
}
