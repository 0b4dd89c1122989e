package org.jamesdmarc.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.jamesdmarc.check.MessageContext;

import com.google.common.net.InetAddresses;

/** Builds the {@link MessageContext} of a James {@link Mail}. */
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
