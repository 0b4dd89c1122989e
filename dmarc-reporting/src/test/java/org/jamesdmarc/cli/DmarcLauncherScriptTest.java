package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code ./dmarc} launcher script as a process. It runs in a copy of the repository's
 * sources (timestamps kept, and the already built {@code dmarc-cli.jar} if there is one), so that when
 * the launcher decides to build, its Maven run cannot disturb the build running this test.
 */
class DmarcLauncherScriptTest {

    @TempDir
    static Path copy;

    @BeforeAll
    static void copyRepository() throws IOException {
        Path root = repositoryRoot();
        copyFile(root, "dmarc");
        copyFile(root, "pom.xml");
        // Every module's pom: Maven reads the whole reactor even for -pl dmarc-reporting -am.
        try (var modules = Files.list(root)) {
            for (Path m : modules.filter(p -> Files.isRegularFile(p.resolve("pom.xml"))).toList()) {
                copyFile(root, root.relativize(m.resolve("pom.xml")).toString());
            }
        }
        for (String tree : List.of("dmarc-mailet/src", "dmarc-reporting/src")) {
            copyTree(root.resolve(tree), copy.resolve(tree));
        }
        Path jar = root.resolve("dmarc-reporting/target/dmarc-cli.jar");
        if (Files.exists(jar)) {
            copyFile(root, "dmarc-reporting/target/dmarc-cli.jar");
        }
    }

    static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("dmarc"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no ./dmarc launcher above " + Paths.get("").toAbsolutePath());
        }
        return dir;
    }

    private static void copyFile(Path root, String relative) throws IOException {
        Path target = copy.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(root.resolve(relative), target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                // Directory times matter to the launcher's "newer than the jar" test: keep them too.
                Files.setLastModifiedTime(to.resolve(from.relativize(dir).toString()), Files.getLastModifiedTime(dir));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run launch(String... args) throws IOException, InterruptedException {
        return launchWithInput(null, args);
    }

    private static Run launchWithInput(Path stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(copy.resolve("dmarc").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("dmarc-out", ".txt");
        Path err = Files.createTempFile("dmarc-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(copy.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            Process p = pb.start();
            // Generous: the first run may have to build the jar with Maven.
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("./dmarc did not finish in 10 minutes");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void launcherBuildsIfNeededAndRunsTheTool() throws Exception {
        Run valid = launch("record", "parse", "v=DMARC1; p=reject; rua=mailto:d@example.com", "--json");
        assertThat(valid.exit()).as(valid.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(valid.out());
        assertThat(j.get("valid").asBoolean()).isTrue();
        assertThat(j.get("tags").get("p").asText()).isEqualTo("reject");
        assertThat(Files.exists(copy.resolve("dmarc-reporting/target/dmarc-cli.jar"))).isTrue();

        // Second run: the jar is up to date, nothing is built; an invalid record exits 2.
        Run invalid = launch("record", "parse", "v=spf1 -all");
        assertThat(invalid.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(invalid.out()).startsWith("Invalid DMARC record");
        assertThat(invalid.err()).doesNotContain("building");
    }

    @Test
    void checkAndEvaluateThroughTheLauncherAgainstARealDnsServer() throws Exception {
        try (KnotDnsServer dns = KnotDnsServer.builder()
                .zone("launcher.test")
                    .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@launcher.test")
                    .txt("@", "v=spf1 ip4:127.0.0.2 -all")
                .start()) {
            Run check = launch("check", "mail.launcher.test", "--dns", dns.hostPort(), "--json");
            assertThat(check.exit()).as(check.err()).isZero();
            JsonNode c = new ObjectMapper().readTree(check.out());
            assertThat(c.get("result").asText()).isEqualTo("found");
            assertThat(c.get("policyDomain").asText()).isEqualTo("launcher.test");
            assertThat(c.get("record").get("p").asText()).isEqualTo("reject");

            Path message = Files.createTempFile(copy, "message", ".eml");
            Files.writeString(message, "From: Alice <alice@launcher.test>\nTo: bob@example.net\nSubject: hi\n\nhello\n",
                    StandardCharsets.US_ASCII);
            Run spoofed = launchWithInput(message, "evaluate", "--ip", "127.0.0.3", "--helo", "client.example",
                    "--mail-from", "bounce@launcher.test", "--dns", dns.hostPort(), "--authserv-id", "mx.test", "--json");
            assertThat(spoofed.exit()).as(spoofed.err()).isZero();
            JsonNode e = new ObjectMapper().readTree(spoofed.out());
            assertThat(e.get("dmarc").get("result").asText()).isEqualTo("fail");
            assertThat(e.get("dmarc").get("disposition").asText()).isEqualTo("reject");
            assertThat(e.get("authenticationResults").asText()).startsWith("mx.test; dmarc=fail");

            Run aligned = launchWithInput(message, "evaluate", "--ip", "127.0.0.2", "--helo", "client.example",
                    "--mail-from", "bounce@launcher.test", "--dns", dns.hostPort(), "--json");
            assertThat(new ObjectMapper().readTree(aligned.out()).get("dmarc").get("result").asText()).isEqualTo("pass");
        }
    }
}
