package org.jamesdmarc.reporting.james;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.ParseException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesdmarc.reporting.ingest.ReportAttachments;

/**
 * Matches mail that carries DMARC reports: an aggregate report attached (RFC 9990 §5.2: {@code application/gzip},
 * {@code application/zip}; also {@code application/x-gzip}, {@code text/xml}, {@code application/xml}, or a file name
 * ending in {@code .xml}, {@code .gz}, {@code .zip}) or a failure report (RFC 6591 {@code multipart/report;
 * report-type=feedback-report}). The condition, optional, lists the report mailboxes (the {@code rua}/{@code ruf}
 * addresses, comma separated): then only those recipients match (and only mail to one of them); without it every
 * recipient of a report mail matches. It looks at the MIME structure only (at most {@value #MAX_PARTS} parts, two
 * levels), never at the content.
 *
 * <pre>{@code
 * <mailet match="org.jamesdmarc.reporting.james.IsDmarcReport=dmarc-reports@james.local"
 *         class="org.jamesdmarc.reporting.james.DmarcReportIngest"/>
 * }</pre>
 */
public class IsDmarcReport extends GenericMatcher {

    static final int MAX_PARTS = 50;

    private Set<MailAddress> mailboxes = Set.of();

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            return;
        }
        List<MailAddress> list = new ArrayList<>();
        for (String a : condition.split(",")) {
            if (!a.isBlank()) {
                try {
                    list.add(new MailAddress(a.strip()));
                } catch (javax.mail.internet.AddressException e) {
                    throw new MessagingException("IsDmarcReport: '" + a.strip() + "' is not a mail address", e);
                }
            }
        }
        mailboxes = Set.copyOf(list);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        List<MailAddress> recipients = mail.getRecipients().stream()
                .filter(r -> mailboxes.isEmpty() || mailboxes.contains(r)).toList();
        if (recipients.isEmpty()) {
            return List.of();
        }
        return carriesReport(mail.getMessage()) ? recipients : List.of();
    }

    /** True when {@code message} has a part that is an aggregate or failure report. */
    static boolean carriesReport(MimeMessage message) throws MessagingException {
        try {
            return carries(message, 0, new int[1]);
        } catch (IOException e) {
            return false; // unreadable: not for the ingest
        }
    }

    private static boolean carries(Part part, int depth, int[] seen) throws MessagingException, IOException {
        if (++seen[0] > MAX_PARTS) {
            return false;
        }
        ContentType type;
        try {
            type = new ContentType(part.getContentType() == null ? "text/plain" : part.getContentType());
        } catch (ParseException e) {
            return false;
        }
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (base.equals("multipart/report") && "feedback-report".equalsIgnoreCase(type.getParameter("report-type"))) {
            return true;
        }
        if (base.startsWith("multipart/") && depth < 2) {
            Object content = part.getContent();
            if (content instanceof Multipart m) {
                for (int i = 0; i < m.getCount() && i < MAX_PARTS; i++) {
                    BodyPart p = m.getBodyPart(i);
                    if (carries(p, depth + 1, seen)) {
                        return true;
                    }
                }
            }
            return false;
        }
        String file = part.getFileName() == null ? "" : part.getFileName();
        return ReportAttachments.isAggregate(base, file);
    }
}
