package org.jamesdmarc.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DnsjavaClient;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dmarc} command-line tool: checks and writes DMARC Policy Records (RFC 9989) and looks up
 * the policy that applies to a domain. Run {@code dmarc --help}; the commands are
 * {@link RecordCommand record parse|generate}, {@link CheckCommand check} and {@link EvaluateCommand evaluate}.
 */
@Command(name = "dmarc",
        mixinStandardHelpOptions = true,
        versionProvider = DmarcCli.Version.class,
        description = "DMARC (RFC 9989, RFC 7489) record and policy tool.",
        subcommands = {RecordCommand.class, CheckCommand.class, EvaluateCommand.class, HistoryCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:success: the record is valid / was generated / check found a policy / evaluate completed "
                + "(DMARC pass, fail or none)",
            " 1:check: no DMARC policy applies (result none)",
            " 2:invalid input: invalid record, invalid option or combination, bad domain, --ip or --dns value, "
                + "unreadable message or history file, bad or unreachable history database",
            " 3:check, evaluate: temporary DNS failure (result temperror); try again later",
            " 4:check, evaluate: permanent error (result permerror, e.g. no usable From field)",
            "70:internal error (a bug)"},
        footer = {"", "Examples:",
            "  dmarc record parse 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com' --json",
            "  dmarc record generate --p quarantine --domain example.com \\",
            "      --rua mailto:dmarc@example.com",
            "  dmarc check mail.example.com --dns 127.0.0.1:53 --json",
            "  dmarc evaluate --ip 192.0.2.1 --helo mail.example.com \\",
            "      --mail-from bounce@example.com --json < message.eml",
            "  dmarc history import --db jdbc:postgresql://127.0.0.1:5432/dmarc --db-user dmarc \\",
            "      --db-password-file /etc/dmarc/db-password /var/run/opendmarc/opendmarc.dat",
            "  dmarc history stats --json",
            "  dmarc history list --domain example.com --since 2026-12-01 --limit 20",
            "  dmarc history expire --days 180",
            "  dmarc history where --home var/james"})
public final class DmarcCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** slf4j-simple's level property; the libraries' INFO chatter (jSPF logs every SPF term) is not for users. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    public static void main(String[] args) {
        // Before any logger exists; -Dorg.slf4j.simpleLogger.defaultLogLevel=info (DMARC_JAVA_OPTS) overrides.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it with their own out/err writers. */
    public static CommandLine newCommandLine() {
        return newCommandLine(DnsjavaClient::new);
    }

    /** As {@link #newCommandLine()}, with {@code check} and {@code evaluate} using DNS clients made by {@code dnsClients}. */
    static CommandLine newCommandLine(Function<DnsSettings, DnsClient> dnsClients) {
        return newCommandLine(dnsClients, () -> System.in);
    }

    /** As {@link #newCommandLine(Function)}, with {@code evaluate} reading the message from {@code stdin}. */
    static CommandLine newCommandLine(Function<DnsSettings, DnsClient> dnsClients, Supplier<InputStream> stdin) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == CheckCommand.class) {
                    return cls.cast(new CheckCommand(dnsClients));
                }
                if (cls == EvaluateCommand.class) {
                    return cls.cast(new EvaluateCommand(dnsClients, stdin));
                }
                if (cls == ReportSendCommand.class) {
                    return cls.cast(new ReportSendCommand(System.getenv(), dnsClients, java.time.Clock.systemUTC()));
                }
                return defaults.create(cls);
            }
        };
        CommandLine cl = new CommandLine(new DmarcCli(), factory);
        // A DMARC record or URI could start with '@'; never read it as an argument file.
        cl.setExpandAtFiles(false);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(DmarcCli::internalError);
        return cl;
    }

    /** Any exception escaping a command is a bug: say so, show it, exit 70. */
    private static int internalError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println("dmarc: internal error: " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitCodes.INTERNAL;
    }

    @Override
    public void run() {
        // No subcommand: show the usage (on stderr) and fail like any usage error.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: record, check, evaluate, history or help");
    }

    /** Version from the jar manifest when packaged, "development" otherwise. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DmarcCli.class.getPackage().getImplementationVersion();
            return new String[] {"dmarc " + (v == null ? "(development build)" : v)};
        }
    }
}
