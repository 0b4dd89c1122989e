package org.jamesdmarc.reporting.delivery;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.ReportSettings;

/** History records and settings for the delivery tests: messages of 2026-12-01 (UTC) to a few policy domains. */
public final class DeliveryFixtures {

    public static final ReportPeriod DAY = ReportPeriod.utcDay(java.time.LocalDate.of(2026, 12, 1));
    /** Two days after: 2026-12-01 and 2026-12-02 are due. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T06:00:00Z"), ZoneOffset.UTC);

    private DeliveryFixtures() {
    }

    /** Message {@code n} to {@code domain} with {@code rua}, DMARC {@code result}, in the 2026-12-01 day. */
    public static EvaluationRecord record(int n, String domain, List<String> rua, DmarcResult result) {
        EvaluationRecord r = Records.record(n * 4); // n*4 % 4 != 3: has a policy record
        EvaluationRecord.PublishedPolicy p = r.published().orElseThrow();
        EvaluationRecord.PublishedPolicy published = new EvaluationRecord.PublishedPolicy(p.p(), p.sp(), p.np(), p.psd(),
                p.testing(), p.adkim(), p.aspf(), p.fo(), rua, p.ruf(), p.pct());
        return new EvaluationRecord(Records.key(n), DAY.begin().plusSeconds(60L * (n % 1000)), r.sourceIp(),
                Optional.of(DomainName.of(domain)), r.envelopeFrom(), r.envelopeTo(), Optional.of(DomainName.of(domain)),
                r.discoveryMode(), r.policyDomainRole(), Optional.of(published), result, r.appliedPolicy(),
                r.disposition(), r.action(), r.overrides(), r.spf(), r.dkim());
    }

    /**
     * {@code domains} domains d0.test ... each with 3 messages passing DMARC and a rua to rua@dN.test (every third
     * also to agg@reports.test).
     */
    public static List<EvaluationRecord> passing(int domains) {
        List<EvaluationRecord> out = new ArrayList<>();
        int n = 0;
        for (int d = 0; d < domains; d++) {
            List<String> rua = d % 3 == 0 ? List.of("mailto:rua@d" + d + ".test", "mailto:agg@reports.test")
                    : List.of("mailto:rua@d" + d + ".test");
            for (int i = 0; i < 3; i++) {
                out.add(record(n++, "d" + d + ".test", rua, DmarcResult.PASS));
            }
        }
        return out;
    }

    /** {@code domains} domains d0.test ... each with 2 messages passing DMARC and a rua to rua@dN.test only. */
    public static List<EvaluationRecord> internalOnly(int domains) {
        List<EvaluationRecord> out = new ArrayList<>();
        int n = 0;
        for (int d = 0; d < domains; d++) {
            for (int i = 0; i < 2; i++) {
                out.add(record(n++, "d" + d + ".test", List.of("mailto:rua@d" + d + ".test"), DmarcResult.PASS));
            }
        }
        return out;
    }

    /** How many (domain, destination) pairs {@link #passing(int)} makes. */
    public static int destinations(int domains) {
        return domains + (domains + 2) / 3;
    }

    public static ReportSettings settings(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("report.orgName", "Example Receiver");
        p.setProperty("report.email", "dmarc-reports@mx.example.net");
        p.setProperty("report.retryDelay", "PT10M");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ReportSettings.from(p, Path.of("dmarc.properties"));
    }

    /** The value of header {@code name} in {@code message} (unfolded). */
    public static String header(String message, String name) {
        String head = message.substring(0, message.indexOf("\r\n\r\n") + 2).replace("\r\n ", " ");
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + name + " in " + head);
    }
}
