package org.jamesdmarc.reporting.james;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.jamesdmarc.store.DmarcProperties;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Injector;

/**
 * The report mail James has taken and not yet delivered nor given up on, kept in a James mail repository
 * ({@code report.outbox}, e.g. {@code file://var/mail/dmarc-report-outbox/}) so that a crash of a James whose mail
 * queues are in memory loses no report (issue 10, item 4).
 *
 * <p><b>Why.</b> James 3.8.1's memory server keeps its spool and {@code RemoteDelivery}'s outgoing queue in memory
 * ({@code MemoryMailQueueModule}), and an extension cannot replace that binding: {@code GuiceGenericLoader} installs
 * the {@code guice.extension.module} modules in a child injector, which cannot override the server's
 * {@code MailQueueFactory}. A report handed to James ({@code handed_off} in the ledger) and then waiting for its
 * gateway is lost by a {@code kill -9}.
 *
 * <p><b>How.</b> {@link MailetContextReportOutbound} keeps each report mail here, named by {@link #key} (Report-ID and
 * destination), <em>before</em> {@code sendMail}, so every hand-off is on disk first. The copy leaves when James's
 * {@code RemoteDelivery} is done with the mail: {@code onSuccess} ({@link DmarcReportDelivered}: the ledger row
 * becomes {@code delivered}) or {@code bounceProcessor} ({@link DmarcReportBounce}: {@code failed}). At start-up
 * ({@link DmarcReportScheduler}'s first tick, {@link #resend}) whatever is still here and {@code handed_off} in the
 * ledger was in James's memory when it stopped: it is handed to James again, the same mail (same Message-ID, Report-ID
 * and bytes). A duplicate is possible only for a report delivered in the instant before a crash, before its copy was
 * removed, and then with identical identifiers.
 *
 * <p>Not configured ({@code report.outbox} unset), it keeps nothing: for a James whose mail queues are durable, which
 * keep the mail over a restart themselves (with an outbox, a restart would hand those reports over twice).
 */
@Singleton
public final class ReportOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(ReportOutbox.class);

    /** The start of the name of every report mail ({@link #key}). */
    static final String KEY_PREFIX = "dmarc-report-";

    /** Opens the repository of a URL. */
    @FunctionalInterface
    interface Opener {
        MailRepository open(String url) throws Exception;
    }

    /** What {@link #resend} did. */
    record Resent(int resent, int removed, int left) {
    }

    private final Optional<String> url;
    private final Opener opener;
    private MailRepository repository;

    /** {@code report.outbox} of the process's {@code conf/dmarc.properties}, opened through James's repository store. */
    @Inject
    ReportOutbox(DmarcProperties properties, Injector injector) {
        // The store is looked up when the outbox is first used: a James without report.outbox needs none.
        this(properties.reports().outbox(), url -> injector.getInstance(MailRepositoryStore.class)
                .select(MailRepositoryUrl.from(url)));
    }

    ReportOutbox(Optional<String> url, Opener opener) {
        this.url = Objects.requireNonNull(url, "url");
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** An outbox that keeps nothing ({@code report.outbox} unset). */
    static ReportOutbox none() {
        return new ReportOutbox(Optional.empty(), u -> {
            throw new IllegalStateException("no outbox");
        });
    }

    /** Whether {@code report.outbox} is set. */
    boolean enabled() {
        return url.isPresent();
    }

    /** Its URL, for logs. */
    String describe() {
        return url.orElse("(none: " + ReportSettings.OUTBOX + " unset)");
    }

    /**
     * The name of the mail of report {@code reportId} to {@code destination}, and its key in the outbox:
     * {@value #KEY_PREFIX} and 128 bits of SHA-256 over both, so a re-send replaces the copy it came from.
     */
    static String key(String reportId, String destination) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((reportId + "\n" + destination).getBytes(StandardCharsets.UTF_8));
            return KEY_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * Keeps {@code mail} (named by {@link #key}) until {@link #release}: stored before the mail is handed to James.
     *
     * @throws MessagingException when it cannot be stored (the hand-off must then not happen)
     */
    void keep(Mail mail) throws MessagingException {
        if (url.isEmpty()) {
            return;
        }
        repository().store(mail);
    }

    /** Removes the copy of report {@code reportId} to {@code destination}, if any. Never throws: logs. */
    void release(String reportId, String destination) {
        if (url.isEmpty()) {
            return;
        }
        String key = key(reportId, destination);
        try {
            repository().remove(new MailKey(key));
        } catch (Exception e) {
            LOG.warn("DMARC report {} to {}: could not remove its copy {} from the outbox {}: {}", reportId,
                    destination, key, url.get(), e.toString());
        }
    }

    /** The keys of the mail kept now. */
    List<String> keys() throws MessagingException {
        List<String> keys = new ArrayList<>();
        if (url.isEmpty()) {
            return keys;
        }
        for (Iterator<MailKey> it = repository().list(); it.hasNext(); ) {
            keys.add(it.next().asString());
        }
        return keys;
    }

    /**
     * Hands to {@code context} again every report kept here whose ledger row is {@code handed_off}: at start-up,
     * when the mail James held in memory is gone. A copy whose row is {@code delivered}, {@code failed},
     * {@code suppressed} or absent (expired) is removed (its removal was lost in a crash); one whose row a run is
     * sending again ({@code pending}, {@code sending}, {@code deferred}) is left to that run, which replaces it.
     *
     * @throws RuntimeException when the ledger cannot be read (tried again at the next tick)
     * @throws MessagingException when the repository cannot be listed
     */
    Resent resend(MailetContext context, ReportLedger ledger) throws MessagingException {
        int resent = 0;
        int removed = 0;
        int left = 0;
        for (String key : keys()) {
            Mail mail = repository().retrieve(new MailKey(key));
            if (mail == null) {
                continue;
            }
            try {
                Optional<String> reportId = MailetContextReportOutbound.reportId(mail);
                Optional<MailAddress> recipient = mail.getRecipients().stream().findFirst();
                if (reportId.isEmpty() || recipient.isEmpty() || mail.getRecipients().size() != 1) {
                    LOG.warn("DMARC reports: {} in the outbox {} is not a report mail; left there", key, url.get());
                    left++;
                    continue;
                }
                String destination = recipient.get().asString();
                Optional<ReportLedger.State> state = ledger.stateOf(reportId.get(), destination);
                if (state.isPresent() && state.get() == ReportLedger.State.HANDED_OFF) {
                    mail.setState(Mail.DEFAULT);
                    context.sendMail(mail);
                    resent++;
                    LOG.info("DMARC reports: report {} to {} handed off before James stopped and not delivered: "
                            + "handed to James again from the outbox", reportId.get(), destination);
                } else if (state.isEmpty() || state.get() == ReportLedger.State.DELIVERED
                        || state.get() == ReportLedger.State.FAILED || state.get() == ReportLedger.State.SUPPRESSED) {
                    repository().remove(new MailKey(key));
                    removed++;
                } else {
                    left++;
                }
            } finally {
                if (mail instanceof org.apache.james.server.core.MailImpl impl) {
                    impl.dispose();
                }
            }
        }
        return new Resent(resent, removed, left);
    }

    private synchronized MailRepository repository() throws MessagingException {
        if (repository == null) {
            try {
                repository = opener.open(url.orElseThrow());
            } catch (MessagingException e) {
                throw e;
            } catch (Exception e) {
                throw new MessagingException("cannot open the DMARC report outbox " + url.orElseThrow() + ": " + e, e);
            }
        }
        return repository;
    }
}
