package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.store.opendmarc.HistoryEntry.DkimSignature;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the real thing: Debian's {@code opendmarc} 1.4.x milter, with {@code HistoryFile} set, receives
 * three messages from Debian's {@code miltertest}; this reader must read back what it wrote. Skipped where the two
 * programs are not installed ({@code apt-get install opendmarc miltertest}).
 */
class OpenDmarcMilterInteropTest {

    private static final Path OPENDMARC = Path.of("/usr/sbin/opendmarc");
    private static final Path MILTERTEST = Path.of("/usr/bin/miltertest");

    @Test
    @Timeout(120)
    void whatTheRealMilterWritesIsReadBack(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(OPENDMARC) || !Files.isExecutable(MILTERTEST)) {
            MissingTool.unavailable("Debian's opendmarc and miltertest are not installed (apt-get install opendmarc miltertest)");
        }
        int port = freePort();
        Path history = dir.resolve("history.dat");
        Path conf = dir.resolve("opendmarc.conf");
        Files.writeString(conf, String.join("\n",
                "Socket inet:" + port + "@127.0.0.1",
                "HistoryFile " + history,
                "RecordAllMessages true",
                "AuthservID mx.test",
                "TrustedAuthservIDs mx.test",
                "IgnoreAuthenticatedClients false",
                "RejectFailures false",
                "SPFIgnoreResults false",
                "SPFSelfValidate false",
                "Background false",
                "Syslog false",
                "PidFile " + dir.resolve("opendmarc.pid"),
                ""));
        Path script = dir.resolve("send.lua");
        Files.writeString(script, luaScript(port));

        Instant before = Instant.now().minusSeconds(1);
        Process milter = new ProcessBuilder(OPENDMARC.toString(), "-c", conf.toString(), "-f")
                .redirectErrorStream(true).redirectOutput(dir.resolve("opendmarc.log").toFile()).start();
        try {
            awaitListening(port, milter, dir);
            Process client = new ProcessBuilder(MILTERTEST.toString(), "-s", script.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("miltertest.log").toFile()).start();
            assertThat(client.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).as(Files.readString(dir.resolve("miltertest.log"))).isZero();
        } finally {
            milter.destroy();
            if (!milter.waitFor(10, TimeUnit.SECONDS)) {
                milter.destroyForcibly();
            }
        }
        Instant after = Instant.now().plusSeconds(1);

        List<HistoryWarning> warnings = new ArrayList<>();
        List<HistoryEntry> entries = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(history, warnings::add)) {
            reader.forEachRemaining(entries::add);
        }

        assertThat(warnings).isEmpty();
        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("JOBA", "JOBB", "JOBC");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.received()).isBetween(before, after);
            assertThat(e.reporter()).isNotEmpty();
            assertThat(e.policy()).isEqualTo(PolicyOutcome.ABSENT); // the test domains publish no record
            assertThat(e.action()).isEqualTo(MilterAction.ACCEPT);
            assertThat(e.arc()).contains(AuthResultCode.FAIL); // no ARC sets
            assertThat(e.arcPolicy()).isEqualTo(ArcPolicyResult.FAIL);
            assertThat(e.unknownLines()).isEmpty();
        });
        HistoryEntry a = entries.get(0);
        assertThat(a.clientIp()).isEqualTo(OpenDmarcHistoryReaderTest.ip("192.0.2.10"));
        assertThat(a.headerFrom()).isEqualTo("sender.example");
        assertThat(a.envelopeFrom()).isEqualTo("sender.example");
        assertThat(a.spf()).isEqualTo(AuthResultCode.PASS);
        assertThat(a.dkim()).containsExactly(
                new DkimSignature("sender.example", Optional.of("sel1"), AuthResultCode.PASS),
                new DkimSignature("other.example", Optional.of("sel2"), AuthResultCode.FAIL));
        assertThat(a.policyDomain()).isEqualTo("sender.example");
        HistoryEntry b = entries.get(1);
        assertThat(b.clientIp()).isEqualTo(OpenDmarcHistoryReaderTest.ip("2001:db8::25"));
        assertThat(b.headerFrom()).isEqualTo("news.sender.example");
        assertThat(b.envelopeFrom()).isEqualTo("esp.example");
        assertThat(b.spf()).isEqualTo(AuthResultCode.FAIL);
        assertThat(b.dkim()).isEmpty();
        HistoryEntry c = entries.get(2);
        assertThat(c.headerFrom()).isEqualTo("third.example");
        assertThat(c.spf()).isEqualTo(AuthResultCode.UNDEFINED); // no SPF result anywhere
        assertThat(c.dkim()).isEmpty();
    }

    /** Three messages, one connection each; the job id comes from the MTA's {@code i} macro. */
    private static String luaScript(int port) {
        StringBuilder lua = new StringBuilder();
        message(lua, port, "JOBA", "192.0.2.10", "bounce@sender.example", "Alice <alice@sender.example>",
                "mx.test; spf=pass smtp.mailfrom=sender.example; dkim=pass header.d=sender.example header.s=sel1;"
                        + " dkim=fail header.d=other.example header.s=sel2");
        message(lua, port, "JOBB", "2001:db8::25", "bounce@esp.example", "news@news.sender.example",
                "mx.test; spf=fail smtp.mailfrom=esp.example");
        message(lua, port, "JOBC", "198.51.100.3", "bob@third.example", "bob@third.example", null);
        return lua.toString();
    }

    private static void message(StringBuilder lua, int port, String job, String ip, String mailFrom, String from,
            String authResults) {
        lua.append("conn = mt.connect(\"inet:").append(port).append("@127.0.0.1\")\n")
                .append("if conn == nil then error(\"connect\") end\n")
                .append("if mt.conninfo(conn, \"client.example\", \"").append(ip)
                .append("\") ~= nil then error(\"conninfo\") end\n")
                .append("if mt.helo(conn, \"client.example\") ~= nil then error(\"helo\") end\n")
                .append("mt.macro(conn, SMFIC_MAIL, \"i\", \"").append(job).append("\")\n")
                .append("if mt.mailfrom(conn, \"<").append(mailFrom).append(">\") ~= nil then error(\"mail\") end\n")
                .append("if mt.rcptto(conn, \"<user@receiver.example>\") ~= nil then error(\"rcpt\") end\n");
        if (authResults != null) {
            lua.append("if mt.header(conn, \"Authentication-Results\", \"").append(authResults)
                    .append("\") ~= nil then error(\"ar\") end\n");
        }
        lua.append("if mt.header(conn, \"From\", \"").append(from).append("\") ~= nil then error(\"from\") end\n")
                .append("if mt.header(conn, \"Subject\", \"interop\") ~= nil then error(\"subject\") end\n")
                .append("if mt.eoh(conn) ~= nil then error(\"eoh\") end\n")
                .append("if mt.eom(conn) ~= nil then error(\"eom\") end\n")
                .append("if mt.getreply(conn) ~= SMFIR_ACCEPT and mt.getreply(conn) ~= SMFIR_CONTINUE then")
                .append(" error(\"eom reply\") end\n")
                .append("mt.disconnect(conn)\n");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port, Process milter, Path dir) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            assertThat(milter.isAlive()).as(() -> log(dir)).isTrue();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("opendmarc did not listen on port " + port + ": " + log(dir));
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("opendmarc.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
