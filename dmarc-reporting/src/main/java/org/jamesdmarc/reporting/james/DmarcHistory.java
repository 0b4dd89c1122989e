package org.jamesdmarc.reporting.james;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the DMARC evaluation of each mail into the evaluation history, with what was done with it. Put it where
 * that is known: after the quarantine, tag or deliver decision, once per outcome (see the example). It reads the
 * mail attribute {@value #EVALUATION_NAME} that {@code DmarcCheck} (or {@code DmarcMessageHook}) sets (bytes:
 * {@link EvaluationRecordCodec}), sets the action named by its {@code action} parameter and hands the record to
 * the process's {@link EvaluationSink} (bound by {@link DmarcHistoryModule}, which must be listed in
 * {@code extensions.properties}).
 *
 * <ul>
 *   <li>A mail without the attribute (not evaluated: an ignored or authenticated client, a From field that could
 *       not be evaluated, mail James made itself) records nothing.</li>
 *   <li>Report mail James DMARC sent itself (attribute {@value MailetContextReportOutbound#REPORT_NAME}) records
 *       nothing, whatever other attributes it carries: report mail never enters the history.</li>
 *   <li>An attribute that is not a record (another type, bytes of another version or damaged) records nothing and
 *       logs one warning for that mail.</li>
 *   <li>It never throws and never changes the mail (state, attributes, message): recording is never a reason to
 *       delay or fail mail. The sink returns at once (a local journal append at most, never a database wait).</li>
 *   <li>The attribute is left in place. A second {@code DmarcHistory} on the same mail (e.g. in another
 *       processor) hands the same message again: the history keeps it once (idempotent by message key), the first
 *       record stored wins. Give each mail one {@code DmarcHistory} on each path.</li>
 *   <li>Mail refused at SMTP never reaches a mailet: the SMTP hook records those ({@code rejected}) itself.</li>
 * </ul>
 *
 * <table>
 * <caption>DmarcHistory parameters</caption>
 * <tr><th>parameter</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code action}</td><td>{@code delivered}, {@code quarantined} or {@code tagged}</td>
 *     <td>{@code delivered}</td><td>what was done with the mail, as stored ({@link ActionTaken}); {@code rejected}
 *     is for the SMTP hook only</td></tr>
 * <tr><td>{@code historyFile}</td><td>a file path, absolute or relative to the James home</td><td>none</td>
 *     <td>also appends each record to this file in the history format of OpenDMARC 1.4.x ({@code HistoryFile}),
 *     for existing OpenDMARC tooling ({@code opendmarc-import} from cron, scripts); see below</td></tr>
 * </table>
 *
 * <p><b>{@code historyFile}</b> ({@link org.jamesdmarc.store.opendmarc.OpenDmarcHistoryWriter} says what the
 * format keeps and what it cannot say). The database history is unchanged; the file is written besides it:
 * <ul>
 *   <li>The mail never waits on the disk: entries go to a bounded queue ({@value
 *       org.jamesdmarc.store.opendmarc.OpenDmarcHistoryAppender#DEFAULT_CAPACITY} records) that one background
 *       thread per file writes; when it is full, the entry is dropped for the file (metric
 *       {@code dmarc_history_file_dropped}).</li>
 *   <li>One writer per file in the James process: the {@code delivered} and {@code quarantined} mailets may name
 *       the same file, their entries never interleave.</li>
 *   <li>Opened for appending, never truncated, created when absent (not its directory). Like OpenDMARC, which
 *       opens its history file for each message, the file is reopened for each batch: rotate it the way
 *       OpenDMARC's is rotated before {@code opendmarc-import} (move it away, import the moved file) and the
 *       next entries start a new file at the configured path.</li>
 *   <li>An I/O error never fails the mail: it is logged once (then at most once a minute, with the count) and
 *       counted ({@code dmarc_history_file_failed}).</li>
 *   <li>Written out when James stops, with the database history.</li>
 *   <li>Only the mail that reaches this mailet: rejections at SMTP ({@code DmarcMessageHook}) are in the database
 *       history, not in this file (OpenDMARC's file has them).</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesdmarc.reporting.james.DmarcHistory">
 *   <action>delivered</action>
 *   <historyFile>/var/run/opendmarc/opendmarc.dat</historyFile>
 * </mailet>
 * ...
 * <mailet match="All" class="org.jamesdmarc.reporting.james.DmarcHistory">
 *   <action>quarantined</action>
 *   <historyFile>/var/run/opendmarc/opendmarc.dat</historyFile>
 * </mailet>
 * }</pre>
 *
 * <p>Example ({@code mailetcontainer.xml}; the module in {@code extensions.properties}:
 * {@code guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule}):
 *
 * <pre>{@code
 * <processor state="root" enableJmx="true">
 *   <mailet match="All" class="org.jamesdmarc.james.DmarcCheck"/>
 *   <mailet match="org.jamesdmarc.james.IsDmarcFail=quarantine" class="ToProcessor">
 *     <processor>dmarc-quarantine</processor>
 *   </mailet>
 *   <mailet match="All" class="org.jamesdmarc.reporting.james.DmarcHistory">
 *     <action>delivered</action>
 *   </mailet>
 *   ...
 * </processor>
 * <processor state="dmarc-quarantine" enableJmx="true">
 *   <mailet match="All" class="org.jamesdmarc.reporting.james.DmarcHistory">
 *     <action>quarantined</action>
 *   </mailet>
 *   <mailet match="All" class="ToRepository">
 *     <repositoryPath>memory://var/mail/dmarc-quarantine/</repositoryPath>
 *   </mailet>
 * </processor>
 * }</pre>
 */
public final class DmarcHistory extends GenericMailet {

    static final String EVALUATION_NAME = "org.jamesdmarc.evaluation";
    /** The attribute {@code DmarcCheck} and {@code DmarcMessageHook} set: the evaluation record's bytes. */
    public static final AttributeName EVALUATION = AttributeName.of(EVALUATION_NAME);
    static final String ACTION = "action";
    /** The actions a mailet may record; {@code rejected} happens at SMTP, before any mailet. */
    static final List<ActionTaken> ACTIONS = List.of(ActionTaken.DELIVERED, ActionTaken.QUARANTINED,
            ActionTaken.TAGGED);

    private static final Logger LOG = LoggerFactory.getLogger(DmarcHistory.class);

    static final String HISTORY_FILE = "historyFile";

    private final EvaluationSink sink;
    private final Optional<HistoryFiles> historyFiles;
    private ActionTaken action = ActionTaken.DELIVERED;
    private Optional<OpenDmarcHistoryAppender> historyFile = Optional.empty();

    @Inject
    public DmarcHistory(EvaluationSink sink, HistoryFiles historyFiles) {
        this(sink, Optional.of(historyFiles));
    }

    /** Without OpenDMARC history files: {@code historyFile} is refused (tests). */
    DmarcHistory(EvaluationSink sink) {
        this(sink, Optional.empty());
    }

    private DmarcHistory(EvaluationSink sink, Optional<HistoryFiles> historyFiles) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.historyFiles = historyFiles;
    }

    @Override
    public void init() throws MessagingException {
        action = parseAction(getInitParameter(ACTION));
        String file = getInitParameter(HISTORY_FILE);
        if (file != null && !file.isBlank()) {
            if (historyFiles.isEmpty()) {
                throw new MessagingException("DmarcHistory parameter " + HISTORY_FILE + ": no OpenDMARC history files "
                        + "in this container (DmarcHistoryModule binds them)");
            }
            historyFile = Optional.of(historyFiles.get().appender(file));
        }
    }

    private static ActionTaken parseAction(String value) throws MessagingException {
        if (value == null || value.isBlank()) {
            return ActionTaken.DELIVERED;
        }
        Optional<ActionTaken> parsed = ActionTaken.fromKeyword(value).filter(ACTIONS::contains);
        if (parsed.isEmpty()) {
            throw new MessagingException("DmarcHistory parameter " + ACTION + "='" + value.strip() + "': expected "
                    + String.join(", ", ACTIONS.stream().map(ActionTaken::keyword).toList())
                    + (value.strip().toLowerCase(Locale.ROOT).equals(ActionTaken.REJECTED_AT_SMTP.keyword())
                    ? " (rejections are recorded by DmarcMessageHook)" : ""));
        }
        return parsed.get();
    }

    /** The OpenDMARC history file this mailet appends to, when {@code historyFile} is set. */
    Optional<OpenDmarcHistoryAppender> historyFile() {
        return historyFile;
    }

    /** The action this mailet records. */
    ActionTaken action() {
        return action;
    }

    @Override
    public void service(Mail mail) {
        try {
            Optional<EvaluationRecord> record = record(mail);
            if (record.isPresent()) {
                sink.accept(record.get());
                // Queued for the file's own thread; dropped (and counted) when it is full: never waits on the disk.
                historyFile.ifPresent(file -> file.offer(record.get()));
            }
        } catch (RuntimeException e) {
            // The sink does not throw; nothing here may fail the mail either.
            LOG.warn("DmarcHistory: mail {} not recorded: {}", mail.getName(), e.toString());
        }
    }

    /** The mail's evaluation with this mailet's action; empty when it has none or it cannot be read (logged). */
    private Optional<EvaluationRecord> record(Mail mail) {
        if (MailetContextReportOutbound.isReportMail(mail)) {
            // Our own aggregate report (issue 10): never recorded, so no report is ever about report mail.
            return Optional.empty();
        }
        Optional<Attribute> attribute = mail.getAttribute(EVALUATION);
        if (attribute.isEmpty()) {
            return Optional.empty();
        }
        Object value = attribute.get().getValue().value();
        if (!(value instanceof byte[] bytes)) {
            LOG.warn("DmarcHistory: mail {} not recorded: attribute {} holds a {}, not the bytes of an evaluation "
                    + "record", mail.getName(), EVALUATION_NAME, value == null ? "null" : value.getClass().getName());
            return Optional.empty();
        }
        try {
            return Optional.of(EvaluationRecordCodec.decode(bytes).withAction(action));
        } catch (EvaluationRecordCodec.MalformedRecordException e) {
            LOG.warn("DmarcHistory: mail {} not recorded: attribute {} is not an evaluation record: {}",
                    mail.getName(), EVALUATION_NAME, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String getMailetInfo() {
        return "DmarcHistory: records the DMARC evaluation and the action taken (" + action.keyword() + ")";
    }
}
