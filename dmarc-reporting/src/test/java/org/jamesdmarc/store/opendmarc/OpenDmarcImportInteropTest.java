package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the real importer: a history file written by {@link OpenDmarcHistoryAppender} (what
 * {@code DmarcHistory}'s {@code historyFile} writes) is accepted by Debian's {@code opendmarc-import} 1.4.x into a
 * fresh database with OpenDMARC's own MySQL schema (dbconfig-common's), on this machine's MariaDB; each message
 * lands once with its job id, From domain, client address and signature count. {@code opendmarc-import} logs in as
 * its default user {@code opendmarc} with password {@code opendmarc} (created or reset here, granted only this
 * test's database).
 */
class OpenDmarcImportInteropTest {

    private static final Path IMPORT = Path.of("/usr/sbin/opendmarc-import");
    private static final Path SCHEMA = Path.of("/usr/share/dbconfig-common/data/opendmarc/install/mysql");
    private static final String ROOT_URL = "jdbc:mariadb://127.0.0.1:3306/";

    @Test
    @Timeout(180)
    void opendmarcImportAcceptsOurFile(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(IMPORT) || !Files.isRegularFile(SCHEMA)) {
            MissingTool.unavailable("Debian's opendmarc-import and its MySQL schema are not installed (apt-get install opendmarc)");
        }
        Connection root;
        try {
            root = DriverManager.getConnection(ROOT_URL, "root", "");
        } catch (SQLException e) {
            MissingTool.unavailable("MariaDB at 127.0.0.1:3306 is not reachable: " + e.getMessage());
            return;
        }
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        String db = "odimport_test_" + HexFormat.of().formatHex(b);
        try (root; Statement s = root.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            try {
                s.execute("CREATE USER IF NOT EXISTS 'opendmarc'@'localhost' IDENTIFIED BY 'opendmarc'");
                s.execute("ALTER USER 'opendmarc'@'localhost' IDENTIFIED BY 'opendmarc'");
                s.execute("GRANT ALL ON " + db + ".* TO 'opendmarc'@'localhost'");
                s.execute("USE " + db);
                for (String statement : schemaStatements()) {
                    s.execute(statement);
                }

                List<EvaluationRecord> records = Records.records(0, 40);
                Path file = dir.resolve("opendmarc.dat");
                OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, "mx1.receiver.example", 100,
                        OpenDmarcHistoryAppender.Listener.NONE);
                records.forEach(appender::offer);
                appender.close();
                assertThat(appender.written()).isEqualTo(records.size());

                Process importer = new ProcessBuilder(IMPORT.toString(), "--dbname=" + db, "--input=" + file,
                        "--verbose").redirectErrorStream(true).redirectOutput(dir.resolve("import.log").toFile())
                        .start();
                assertThat(importer.waitFor(120, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(dir.resolve("import.log"));
                assertThat(importer.exitValue()).as(log).isZero();

                Map<String, Row> rows = new HashMap<>();
                try (ResultSet rs = s.executeQuery("SELECT m.jobid, d.name, i.addr, m.sigcount FROM messages m"
                        + " JOIN domains d ON d.id = m.from_domain JOIN ipaddr i ON i.id = m.ip")) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), rs.getInt(4)));
                    }
                }
                assertThat(rows).as("one message per record; import log:%n%s", log).hasSize(records.size());
                for (EvaluationRecord r : records) {
                    Row row = rows.get(r.key().value());
                    assertThat(row).as("job %s", r.key().value()).isNotNull();
                    assertThat(row.from()).isEqualTo(r.headerFrom().map(DomainName::name).orElse(""));
                    assertThat(row.ip()).isEqualTo(r.sourceIp().getHostAddress());
                    assertThat(row.signatures()).isEqualTo(r.dkim().size());
                }
            } finally {
                s.execute("DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    private record Row(String from, String ip, int signatures) {
    }

    /** dbconfig-common's schema without its CREATE DATABASE and USE (the test's own database is used). */
    private static List<String> schemaStatements() throws Exception {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(SCHEMA)) {
            String t = line.strip();
            if (t.startsWith("--") || t.toUpperCase().startsWith("CREATE DATABASE") || t.toUpperCase().startsWith("USE ")) {
                continue;
            }
            sql.append(line).append('\n');
        }
        return java.util.Arrays.stream(sql.toString().split(";")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
