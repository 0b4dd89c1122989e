package org.jamesdmarc.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import com.google.common.net.InetAddresses;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.CheckSettingsParser;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSet;
import org.jamesdmarc.policy.ArcSealers;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.EvaluationJson;
import org.jamesdmarc.check.HostList;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.OutcomeSummary;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcEvaluator;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dmarc evaluate}: the DMARC verdict James would reach for one message, given what the SMTP session
 * knew (client IP, HELO, MAIL FROM). Runs the same {@link DmarcChecker} as the mailet and the SMTP hook,
 * with our own SPF and DKIM checks and no ignore lists.
 */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Evaluate DMARC (RFC 9989) for one message read from standard input (or --message): "
                + "own SPF and DKIM checks, policy discovery, the verdict and the Authentication-Results "
                + "field James would add. Bare LF line ends are turned into CRLF first.",
            "Exit 0 evaluated (pass, fail or none), 2 bad input, 3 temperror, 4 permerror "
                + "(e.g. no usable From field)."},
        footer = {"", "Example:",
            "  dmarc evaluate --ip 192.0.2.1 --helo mail.example.com \\",
            "      --mail-from bounce@example.com --dns 127.0.0.1:53 --json < message.eml"})
final class EvaluateCommand implements Callable<Integer> {

    /** Largest message read; a bigger one is refused rather than read into memory without bound. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final Function<DnsSettings, DnsClient> dnsClients;
    private final Supplier<InputStream> stdin;

    EvaluateCommand() {
        this(DnsjavaClient::new, () -> System.in);
    }

    /**
     * @param dnsClients makes the DNS client from the settings the options give (tests substitute one)
     * @param stdin      where the message is read from without {@code --message}
     */
    EvaluateCommand(Function<DnsSettings, DnsClient> dnsClients, Supplier<InputStream> stdin) {
        this.dnsClients = dnsClients;
        this.stdin = stdin;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--ip", required = true, paramLabel = "<address>",
            description = "IP address of the SMTP client (IPv4 or IPv6 literal).")
    String ip;

    @Option(names = "--helo", required = true, paramLabel = "<name>",
            description = "HELO/EHLO name the client gave.")
    String helo;

    @Option(names = "--mail-from", required = true, paramLabel = "<address>",
            description = "MAIL FROM address (the envelope sender); '' or '<>' for the null reverse-path.")
    String mailFrom;

    @Option(names = "--message", paramLabel = "<file>",
            description = "Read the message from this file instead of standard input.")
    Path message;

    @Mixin
    DnsOptions dnsOptions = new DnsOptions();

    @Option(names = "--authserv-id", paramLabel = "<id>",
            description = "Our authserv-id in Authentication-Results; default: this machine's host name.")
    String authservId;

    @Option(names = "--trusted-authserv-ids", paramLabel = "<id>", split = ",",
            description = "Upstream authserv-ids whose SPF/DKIM results in the message are trusted "
                    + "(comma-separated); default: none, SPF and DKIM are checked here.")
    List<String> trustedAuthservIds = new ArrayList<>();

    @Option(names = "--trusted-relays", paramLabel = "<address>", split = ",",
            description = "Relays in front of the receiver (IP addresses or CIDR blocks, comma-separated): when --ip is"
                    + " one of them, the original client is read from the relay's Received field, and trusted"
                    + " Authentication-Results are believed only in the part of the header that relay added.")
    List<String> trustedRelays = new ArrayList<>();

    @Option(names = "--trust-auth-results-from-any-client",
            description = "OpenDMARC's model: believe --trusted-authserv-ids results whatever client sent the"
                    + " message and wherever they stand (unsafe: the sender can write them).")
    boolean trustAuthResultsFromAnyClient;

    @Option(names = "--no-required-headers",
            description = "Report a message without a usable From field as permerror with disposition none (OpenDMARC's"
                    + " RequiredHeaders=false) instead of refusing it (permerror, disposition reject).")
    boolean noRequiredHeaders;

    @Option(names = "--dkim-partial-body-passes",
            description = "Count a DKIM signature whose l= leaves body content unsigned as a pass (RFC 6376 §3.5);"
                    + " by default it gives dkim=policy.")
    boolean dkimPartialBodyPasses;

    @Option(names = "--trusted-arc-sealers", paramLabel = "<domain>", split = ",",
            description = "ARC sealers (the ARC-Seal d=) trusted as forwarders (comma-separated): a DMARC fail whose"
                    + " ARC chain passes and whose latest sealer is one of them and recorded an aligned pass gets"
                    + " disposition none, reason trusted_forwarder (RFC 8617 §7.2).")
    List<String> trustedArcSealers = new ArrayList<>();

    @Option(names = "--arc-list-sealers", paramLabel = "<domain>", split = ",",
            description = "The same for mailing lists: reason mailing_list.")
    List<String> arcListSealers = new ArrayList<>();

    @Option(names = "--json", description = "Print the evaluation as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // A literal only: a host name here would mean a DNS lookup outside --dns.
        if (!InetAddresses.isInetAddress(ip.strip())) {
            return invalid(err, "--ip: not an IP address: '" + ip + "'");
        }
        InetAddress client = InetAddresses.forString(ip.strip());
        Optional<String> reversePath = reversePath(mailFrom);

        DnsSettings dnsSettings;
        try {
            dnsSettings = dnsOptions.dnsSettings();
        } catch (IllegalArgumentException e) {
            return invalid(err, e.getMessage());
        }
        String ourId = authservId != null ? authservId.strip() : localHostName();
        if (ourId.isEmpty() || ourId.chars().anyMatch(c -> c <= ' ' || c == ';' || c >= 0x7f)) {
            return invalid(err, "--authserv-id: not a usable authserv-id: '" + ourId + "'");
        }
        Set<String> trusted = new LinkedHashSet<>();
        trustedAuthservIds.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(trusted::add);

        byte[] raw;
        try {
            raw = readMessage();
        } catch (IOException e) {
            return invalid(err, "cannot read the message: " + e.getMessage());
        }
        if (raw.length > MAX_MESSAGE_BYTES) {
            return invalid(err, "message larger than " + MAX_MESSAGE_BYTES + " bytes");
        }

        HostList relays;
        try {
            relays = CheckSettingsParser.trustedRelays(
                    trustedRelays.isEmpty() ? Optional.empty() : Optional.of(String.join(",", trustedRelays)));
        } catch (IllegalArgumentException e) {
            return invalid(err, "--trusted-relays: " + e.getMessage());
        }
        CheckSettings settings = new CheckSettings(ourId, trusted, HostList.empty(), false, Set.of(),
                !noRequiredHeaders, false, true, false, true, dkimPartialBodyPasses, relays, trustAuthResultsFromAnyClient,
                dnsSettings,
                dnsOptions.discoveryMode(), Optional.empty(), false);
        try {
            settings = settings.withArcSealers(new ArcSealers(domains(trustedArcSealers), domains(arcListSealers)));
        } catch (IllegalArgumentException e) {
            return invalid(err, "--trusted-arc-sealers/--arc-list-sealers: " + e.getMessage());
        }
        DnsClient dnsClient = dnsClients.apply(dnsSettings);
        DmarcChecker checker = new DmarcChecker(settings, dnsClient,
                new DmarcEvaluator(dnsClient, DmarcChecker.evaluationOptions(settings)));
        CheckOutcome outcome = checker.check(new MessageContext(client, helo, reversePath, false, toCrlf(raw)));

        if (json) {
            out.println(EvaluationJson.toJson(outcome));
        } else {
            printHuman(out, outcome);
        }
        out.flush();
        return exitCode(outcome, err);
    }

    /** MAIL FROM as given: empty, {@code <>} is the null reverse-path; surrounding angle brackets are dropped. */
    static Optional<String> reversePath(String mailFrom) {
        String m = mailFrom.strip();
        if (m.startsWith("<") && m.endsWith(">")) {
            m = m.substring(1, m.length() - 1).strip();
        }
        return m.isEmpty() ? Optional.empty() : Optional.of(m);
    }

    private byte[] readMessage() throws IOException {
        if (message != null) {
            if (Files.size(message) > MAX_MESSAGE_BYTES) {
                return new byte[MAX_MESSAGE_BYTES + 1];
            }
            return Files.readAllBytes(message);
        }
        try (InputStream in = stdin.get()) {
            // One byte more than allowed tells an oversized message from one exactly at the limit.
            return in.readNBytes(MAX_MESSAGE_BYTES + 1);
        }
    }

    /**
     * Bare LF line ends become CRLF: DKIM canonicalisation (RFC 6376 §3.4) works on CRLF lines, and a message
     * saved to a file on Unix usually has lost its CRs. Existing CRLF pairs are kept as they are.
     */
    static byte[] toCrlf(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 32 + 2);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static int invalid(PrintWriter err, String message) {
        err.println("dmarc evaluate: " + message);
        err.flush();
        return ExitCodes.INVALID;
    }

    private static int exitCode(CheckOutcome outcome, PrintWriter err) {
        if (outcome instanceof CheckOutcome.Skipped s && s.reason() == SkipReason.INTERNAL_ERROR) {
            err.println("dmarc evaluate: internal error: " + s.detail());
            err.flush();
            return ExitCodes.INTERNAL;
        }
        return switch (OutcomeSummary.of(outcome).result()) {
            case TEMPERROR -> {
                err.println("dmarc evaluate: temporary DNS failure; try again later");
                err.flush();
                yield ExitCodes.TEMPERROR;
            }
            case PERMERROR -> ExitCodes.PERMERROR;
            // pass, fail, none: a completed evaluation (skipped cannot happen: no ignore lists). A refused From
            // field is permerror above.
            default -> ExitCodes.OK;
        };
    }

    private static void printHuman(PrintWriter out, CheckOutcome outcome) {
        OutcomeSummary s = OutcomeSummary.of(outcome);
        out.println("DMARC result:   " + s.result().keyword());
        if (!s.detail().isEmpty()) {
            out.println("Detail:         " + s.detail());
        }
        out.println("From domain:    " + s.fromDomain().map(DomainName::name).orElse("(none)"));
        out.println("Policy domain:  " + s.policyDomain().map(DomainName::name)
                .orElse("(none: no DMARC policy applies)"));
        out.println("Policy:         " + s.policy()
                .map(p -> p.tagValue() + s.policyTag().map(t -> " (" + t.tagName() + "=)").orElse(""))
                .orElse("(none)") + (s.testing() ? ", testing (t=y)" : ""));
        out.println("Disposition:    " + s.disposition().reportValue());
        if (!s.reasons().isEmpty()) {
            out.println("Reasons:        " + String.join(", ", s.reasons()));
        }
        if (outcome instanceof CheckOutcome.Evaluated e) {
            DmarcEvaluation ev = e.evaluation();
            SpfOutcome spf = ev.spf().outcome();
            out.println("SPF:            " + spf.result().keyword() + " (" + spf.scope().keyword() + " "
                    + spf.domain().map(DomainName::name).orElse("") + ")" + aligned(ev.spf().alignment()));
            if (ev.dkim().isEmpty()) {
                out.println("DKIM:           (no signature)");
            }
            for (DkimAlignment d : ev.dkim()) {
                DkimOutcome o = d.outcome();
                out.println("DKIM:           " + o.result().keyword() + " (d=" + o.domain().map(DomainName::name).orElse("")
                        + " s=" + o.selector()
                        + ")" + aligned(d.alignment()));
            }
        }
        if (outcome instanceof CheckOutcome.Evaluated e && e.arc().result() != ArcResult.NONE) {
            ArcOutcome arc = e.arc();
            StringBuilder sealers = new StringBuilder();
            for (ArcSet set : arc.sets()) {
                sealers.append(sealers.length() == 0 ? "" : ", ").append("i=").append(set.instance()).append(' ')
                        .append(set.sealer().map(DomainName::name).orElse("?"));
            }
            out.println("ARC:            " + arc.result().keyword()
                    + (arc.result() == ArcResult.PASS ? " (oldest-pass " + arc.oldestPass() + ")" : " (" + arc.reason() + ")")
                    + (sealers.length() == 0 ? "" : "; sealers " + sealers));
            e.arcOverride().ifPresent(d -> out.println("ARC override:   " + d.reason().reportValue() + " (" + d.comment() + ")"));
        }
        out.println("Authentication-Results: " + outcome.authenticationResults());
    }

    /** Domain names of a sealer option; a bad one is an {@link IllegalArgumentException}. */
    private static Set<DomainName> domains(List<String> names) {
        Set<DomainName> out = new LinkedHashSet<>();
        for (String n : names) {
            out.add(DomainName.parse(n.strip()).orElseThrow(() -> new IllegalArgumentException("not a domain name: " + n)));
        }
        return out;
    }

    private static String aligned(AlignmentStatus status) {
        return status == AlignmentStatus.ALIGNED ? ", aligned" : ", not aligned";
    }
}
