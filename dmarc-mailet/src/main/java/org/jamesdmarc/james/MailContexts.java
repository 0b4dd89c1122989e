package org.jamesdmarc.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.mail.HeaderSection;

import com.google.common.net.InetAddresses;

/**
 * Builds the {@link MessageContext} of a James {@link Mail}, and the {@link EvaluationRecord} of a checked one
 * (the mail attribute {@code org.jamesdmarc.evaluation} of {@link DmarcAttributes}, the hook's rejections).
 */
final class MailContexts {

    private MailContexts() {
    }

    /**
     * Client address: {@link Mail#getRemoteAddr()} (James sets it from the SMTP session). HELO: the
     * {@code org.apache.james.HELO} attribute ({@link Mail#SMTP_HELO}, set by James's
     * AddDefaultAttributesMessageHook), empty when absent (the remote host name is a reverse DNS name,
     * not the HELO). SMTP AUTH: the {@code org.apache.james.SMTPAuthUser} attribute
     * ({@link Mail#SMTP_AUTH_USER}). The envelope sender: {@link Mail#getMaybeSender()}.
     */
    static MessageContext from(Mail mail) throws MessagingException, IOException {
        String helo = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_HELO, String.class).orElse("");
        boolean authenticated = mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent();
        return new MessageContext(address(mail.getRemoteAddr()), helo, sender(mail), authenticated, bytes(mail));
    }

    /**
     * The evaluation record of {@code mail}, checked from {@code context} at {@code time}; empty when
     * {@code outcome} is no DMARC evaluation (skipped, refused). Key: the context's client address and envelope
     * sender, the {@code Message-ID} field ({@link #messageId}) and the context's message bytes ({@link MessageKey#of});
     * recipients: {@link Mail#getRecipients()}.
     *
     * @throws MessagingException when the MimeMessage's header has to be read ({@link #messageId}) and cannot be
     */
    static Optional<EvaluationRecord> evaluationRecord(Mail mail, MessageContext context, Instant time,
                                                       CheckOutcome outcome, ActionTaken action)
            throws MessagingException {
        if (!(outcome instanceof CheckOutcome.Evaluated)) {
            return Optional.empty();
        }
        MessageKey key = MessageKey.of(context, messageId(mail, context));
        return EvaluationRecord.of(key, time, outcome, context.mailFrom(),
                mail.getRecipients().stream().map(MailAddress::asString).toList(), action);
    }

    /**
     * The first {@code Message-ID} field (RFC 5322 §3.6.4), when it has one, as javax.mail's
     * {@code MimeMessage.getHeader("Message-ID", null)} gives it. Read from the header section the check already
     * parsed ({@link MessageContext#header()}) when that reading is certainly javax.mail's: no structural anomaly
     * (every line is a field or a continuation, as both readers see it) and an ASCII value (javax.mail may decode
     * header octets as ISO-8859-1, we as UTF-8). Otherwise, rare, javax.mail reads the MimeMessage's header itself.
     */
    static Optional<String> messageId(Mail mail, MessageContext context) throws MessagingException {
        HeaderSection header = context.header();
        if (header.anomalies().isEmpty()) {
            Optional<String> ours = header.firstValueAsJavaMail("Message-ID");
            if (ours.isEmpty() || isAscii(ours.get())) {
                return ours;
            }
        }
        return Optional.ofNullable(mail.getMessage().getHeader("Message-ID", null));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    static Optional<String> sender(Mail mail) {
        return mail.getMaybeSender().asOptional().map(MailAddress::asString);
    }

    static byte[] bytes(Mail mail) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    /** An IP literal, without any DNS lookup. */
    static InetAddress address(String remoteAddr) {
        if (remoteAddr == null || !InetAddresses.isInetAddress(remoteAddr.strip())) {
            throw new IllegalArgumentException("remote address is not an IP address: " + remoteAddr);
        }
        return InetAddresses.forString(remoteAddr.strip());
    }
}
