package org.jamesdmarc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.PolicyDiscovery;
import org.jamesdmarc.reporting.ExternalDestinationVerifier;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.ReportRun;
import org.jamesdmarc.reporting.delivery.RunResult;
import org.jamesdmarc.reporting.delivery.SmtpReportOutbound;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.DmarcProperties;
import org.jamesdmarc.store.ReportSettings;
import org.jamesdmarc.store.SettingsException;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dmarc report send}: plans and sends the aggregate reports of the periods that are due (the opendmarc-reports
 * of James DMARC), under the same database lock as the scheduled task inside James, recording each hand-off in the
 * ledger; or, with {@code --dry-run --out DIR}, writes the reports and messages it would send and records nothing.
 */
@Command(name = "send",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Build the aggregate reports of the due periods and send them over SMTP (or write them with "
                + "--dry-run). The report.* keys of conf/dmarc.properties in the James home configure who reports.",
            "Exit 0 done (failures and deferrals are recorded: see 'dmarc report status'), 2 bad settings, options "
                + "or database, 3 another runner holds the report lock (or it was lost): try again later."})
final class ReportSendCommand extends DatabaseCommand {

    private final Function<DnsSettings, DnsClient> dnsClients;
    private final Clock clock;

    ReportSendCommand() {
        this(System.getenv(), DnsjavaClient::new, Clock.systemUTC());
    }

    ReportSendCommand(Map<String, String> environment, Function<DnsSettings, DnsClient> dnsClients, Clock clock) {
        super("dmarc report send", environment);
        this.dnsClients = dnsClients;
        this.clock = clock;
    }

    @Mixin
    DnsOptions dnsOptions = new DnsOptions();

    @Option(names = "--dry-run", description = "Write the reports (.xml.gz) and messages (.eml) into --out instead of "
            + "sending; the ledger is neither read nor written.")
    boolean dryRun;

    @Option(names = "--out", paramLabel = "DIR", description = "Where --dry-run writes.")
    Path out;

    @Option(names = "--from", paramLabel = "TIME", description = "Report the periods from the one containing TIME "
            + "(epoch seconds or ISO-8601) on (default: only the last complete period).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "... up to the period containing TIME (default: the "
            + "last period that ended report.delay ago).")
    String to;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this policy domain.")
    String domain;

    @Option(names = "--smtp", paramLabel = "HOST:PORT", description = "The SMTP server reports go to (default: "
            + "report.smtp.host and report.smtp.port, else 127.0.0.1:25).")
    String smtp;

    @Override
    public Integer call() {
        PrintWriter o = out();
        PrintWriter err = err();
        if (dryRun != (out != null)) {
            return fail(err, dryRun ? "--dry-run needs --out DIR" : "--out goes with --dry-run");
        }
        Optional<Instant> fromTime;
        Optional<Instant> toTime;
        Optional<DomainName> only;
        DnsSettings dnsSettings;
        try {
            fromTime = TimeArgument.parse("--from", from);
            toTime = TimeArgument.parse("--to", to);
            only = domain == null ? Optional.empty() : Optional.of(DomainName.parse(domain.strip())
                    .orElseThrow(() -> new IllegalArgumentException("--domain '" + domain + "' is not a domain name")));
            dnsSettings = dnsOptions.dnsSettings();
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage());
        }
        ReportSettings settings;
        DatabaseOptions.Target target;
        try {
            // One read of the James home's settings for both the report keys and (without --db) the database.
            DmarcProperties settingsFile = DmarcProperties.read(jamesHome());
            settings = settingsFile.reports();
            target = db.target(environment, settingsFile);
        } catch (SettingsException | StoreException e) {
            return fail(err, e.getMessage());
        }
        String smtpHost = settings.smtpHost();
        int smtpPort = settings.smtpPort();
        if (smtp != null) {
            int colon = smtp.lastIndexOf(':');
            try {
                smtpHost = colon < 0 ? smtp : smtp.substring(0, colon).replace("[", "").replace("]", "");
                smtpPort = colon < 0 ? 25 : Integer.parseInt(smtp.substring(colon + 1));
                if (smtpHost.isBlank() || smtpPort < 1 || smtpPort > 65_535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                return fail(err, "--smtp '" + smtp + "': expected HOST:PORT");
            }
        }
        DnsClient dns = dnsClients.apply(dnsSettings);
        DestinationAuthorizer authorizer = DestinationAuthorizer.dns(
                new PolicyDiscovery(dns, dnsOptions.discoveryMode(), Optional.empty()),
                new ExternalDestinationVerifier(dns));
        // The run lock, a counters cursor and the ledger's writes each take a connection.
        try (JdbcHistoryStore store = openStore(err, target, target.config().withPoolSize(4))) {
            ReportRun run = new ReportRun(store, ReportRun.reporter(settings), settings, authorizer, clock)
                    .logTo(line -> {
                        o.println(line);
                        o.flush();
                    });
            List<ReportPeriod> periods = periods(run, settings, fromTime, toTime);
            if (dryRun) {
                List<ReportLedger.Entry> entries = run.dryRun(periods, only, out);
                long wouldSend = entries.stream().filter(e -> e.state() == ReportLedger.State.PENDING).count();
                o.println("dry run: " + periods.size() + " period(s), " + wouldSend + " report message(s) written to "
                        + out + ", " + (entries.size() - wouldSend) + " not sent (suppressed or failed)");
                o.flush();
                return ExitCodes.OK;
            }
            String helo = settings.submitterDomain().orElse("localhost");
            RunResult r = run.send(periods, only,
                    new SmtpReportOutbound(smtpHost, smtpPort, settings.smtpTimeout(), helo));
            o.println("report send: " + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": planned "
                    + r.planned() + ", handed off " + r.handedOff() + ", deferred " + r.deferred() + ", failed "
                    + r.failed() + ", suppressed " + r.suppressed() + ", left for the next run " + r.leftForNextRun());
            o.flush();
            return r.outcome() == RunResult.Outcome.COMPLETED ? ExitCodes.OK : ExitCodes.TEMPERROR;
        } catch (SettingsException | StoreException | IllegalArgumentException e) {
            return fail(err, e.getMessage());
        } catch (IOException e) {
            return fail(err, "--out: " + e.getMessage());
        }
    }

    /** The due periods from {@code --from}, those that begin before {@code --to}. */
    private static List<ReportPeriod> periods(ReportRun run, ReportSettings settings, Optional<Instant> fromTime,
                                              Optional<Instant> toTime) {
        if (toTime.isPresent() && fromTime.isEmpty()) {
            throw new IllegalArgumentException("--to goes with --from");
        }
        if (fromTime.isPresent() && toTime.isPresent() && !toTime.get().isAfter(fromTime.get())) {
            throw new IllegalArgumentException("--to must be after --from");
        }
        List<ReportPeriod> out = new ArrayList<>();
        for (ReportPeriod p : run.duePeriods(fromTime)) {
            if (toTime.isEmpty() || p.begin().isBefore(toTime.get())) {
                out.add(p);
            }
        }
        return out;
    }
}
