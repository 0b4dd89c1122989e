package org.jamesdmarc.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.jamesdmarc.reporting.ingest.IngestCounts;
import org.jamesdmarc.reporting.ingest.IngestLimits;
import org.jamesdmarc.reporting.ingest.ReportIngest;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;

/**
 * Ingest rate of inbound aggregate reports (issue 12): one report of {@code --records} records (gzip'd RFC 9990
 * XML, written to a temporary file first) and {@code --small} small reports of 5 records each, ingested from files
 * through {@link ReportIngest} (the path of {@code dmarc report ingest}) into a fresh database. Prints seconds,
 * records/s, reports/s and the peak heap (the sum of the heap pools' peaks, an upper bound), and the same files
 * ingested again (all duplicates).
 *
 * <pre>
 * java -Xmx512m -cp bench/target/benchmarks.jar org.jamesdmarc.bench.ReportIngestHarness postgresql|h2|mariadb
 *     [--records 1000000] [--small 10000] [--modes big,small,again] [--db dmarc_report_ingest] [--keep]
 * </pre>
 */
public final class ReportIngestHarness {

    private ReportIngestHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ReportIngestHarness postgresql|h2|mariadb [--records N] [--small N] "
                    + "[--modes big,small,again] [--db NAME] [--keep]");
            System.exit(2);
        }
        ScaleDialect dialect = ScaleDialect.of(args[0]);
        long records = 1_000_000;
        int small = 10_000;
        List<String> modes = List.of("big", "small", "again");
        String db = "dmarc_report_ingest";
        boolean keep = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i].replace("_", ""));
                case "--small" -> small = Integer.parseInt(args[++i].replace("_", ""));
                case "--modes" -> modes = Arrays.asList(args[++i].split(","));
                case "--db" -> db = args[++i];
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("report-ingest-");
        Path h2Dir = dir;
        System.out.printf("%s; %s; %,d-record report, %,d small reports%n", Bench.machine(), dialect, records, small);
        Path big = dir.resolve("big.xml.gz");
        List<Path> smalls = new ArrayList<>();
        long t0 = System.nanoTime();
        if (modes.contains("big")) {
            writeReport(big, "big", 0, records);
        }
        if (modes.contains("small")) {
            Path d = Files.createDirectories(dir.resolve("small"));
            for (int i = 0; i < small; i++) {
                Path f = d.resolve("r" + i + ".xml.gz");
                writeReport(f, "small-" + i, i, 5);
                smalls.add(f);
            }
        }
        System.out.printf("files written in %.1f s (%,d bytes for the big one)%n", (System.nanoTime() - t0) / 1e9,
                Files.exists(big) ? Files.size(big) : 0);
        dialect.create(db, h2Dir);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(dialect.url(db, h2Dir), dialect.user(),
                Secret.none(), 4))) {
            ReportIngest ingest = new ReportIngest(new InboundReportStore(store), IngestLimits.defaults(),
                    Clock.systemUTC());
            if (modes.contains("big")) {
                run("big", ingest, List.of(big));
            }
            if (modes.contains("small")) {
                run("small", ingest, smalls);
            }
            if (modes.contains("again")) {
                List<Path> all = new ArrayList<>(smalls);
                if (Files.exists(big)) {
                    all.add(big);
                }
                run("again (duplicates)", ingest, all);
            }
        } finally {
            if (!keep) {
                dialect.drop(db, h2Dir);
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(String label, ReportIngest ingest, List<Path> files) throws IOException {
        System.gc();
        resetPeaks();
        double loadBefore = Bench.load();
        long t0 = System.nanoTime();
        IngestCounts counts = IngestCounts.ZERO;
        for (Path f : files) {
            counts = counts.plus(ingest.ingestFile(f));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-20s %,d files in %.1f s: %,d reports (%,.0f/s), %,d records (%,.0f records/s), "
                        + "%,d duplicates, %,d rejected; peak heap %.0f MB; load %.1f -> %.1f%n", label, files.size(), s,
                counts.reports(), counts.reports() / s, counts.records(), counts.records() / s, counts.duplicates(),
                counts.rejected(), peakHeap() / 1e6, loadBefore, Bench.load());
    }

    /** An RFC 9990 report of {@code n} records from varied sources, gzip'd into {@code file}, written as it goes. */
    static void writeReport(Path file, String id, int domain, long n) throws IOException {
        try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16);
             Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"
                    + "<version>1.0</version><report_metadata><org_name>Bench Receiver</org_name>"
                    + "<email>reports@bench.example</email><report_id>" + id + "</report_id><date_range>"
                    + "<begin>1764547200</begin><end>1764633599</end></date_range></report_metadata>"
                    + "<policy_published><domain>d" + (domain % 1000) + ".example</domain><p>reject</p></policy_published>\n");
            StringBuilder b = new StringBuilder(600);
            for (long i = 0; i < n; i++) {
                long h = i * 0x9E3779B97F4A7C15L + domain;
                boolean dkim = (h & 7) != 0;
                boolean spf = (h & 3) != 0;
                b.setLength(0);
                b.append("<record><row><source_ip>").append(10 + (i >>> 24 & 0x3f)).append('.').append(i >>> 16 & 0xff)
                        .append('.').append(i >>> 8 & 0xff).append('.').append(i & 0xff).append("</source_ip><count>")
                        .append(1 + (h >>> 40 & 0x3ff)).append("</count><policy_evaluated><disposition>")
                        .append(dkim || spf ? "none" : "reject").append("</disposition><dkim>")
                        .append(dkim ? "pass" : "fail").append("</dkim><spf>").append(spf ? "pass" : "fail")
                        .append("</spf>");
                if ((h & 31) == 5) {
                    b.append("<reason><type>mailing_list</type></reason>");
                }
                b.append("</policy_evaluated></row><identifiers><envelope_from>d").append(domain % 1000)
                        .append(".example</envelope_from><header_from>d").append(domain % 1000)
                        .append(".example</header_from></identifiers><auth_results><dkim><domain>d").append(domain % 1000)
                        .append(".example</domain><selector>s").append(h & 3).append("</selector><result>")
                        .append(dkim ? "pass" : "fail").append("</result></dkim><spf><domain>d").append(domain % 1000)
                        .append(".example</domain><scope>mfrom</scope><result>").append(spf ? "pass" : "softfail")
                        .append("</result></spf></auth_results></record>\n");
                w.append(b);
            }
            w.write("</feedback>\n");
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
