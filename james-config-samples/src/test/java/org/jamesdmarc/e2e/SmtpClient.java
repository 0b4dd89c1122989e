package org.jamesdmarc.e2e;

import java.io.ByteArrayInputStream;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * Sends mail to a {@link JamesProcess} over SMTP from a chosen loopback source address, so that
 * James sees e.g. 127.0.0.2 as the client IP (an unauthenticated remote sender: 127.0.0.2-9 are
 * not in authorizedAddresses).
 */
public final class SmtpClient {
    private final JamesProcess james;
    private final String sourceAddress;
    private final String helo;

    private SmtpClient(JamesProcess james, String sourceAddress, String helo) {
        this.james = james;
        this.sourceAddress = sourceAddress;
        this.helo = helo;
    }

    /** A client connecting from {@code sourceAddress} (a 127.0.0.0/8 address) with that EHLO name. */
    public static SmtpClient from(JamesProcess james, String sourceAddress, String helo) {
        return new SmtpClient(james, sourceAddress, helo);
    }

    public Session session() {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", JamesProcess.HOST);
        props.setProperty("mail.smtp.port", Integer.toString(james.smtpPort()));
        props.setProperty("mail.smtp.localaddress", sourceAddress);
        props.setProperty("mail.smtp.localhost", helo);
        props.setProperty("mail.smtp.connectiontimeout", "10000");
        props.setProperty("mail.smtp.timeout", "30000");
        return Session.getInstance(props);
    }

    /** A plain text message, not yet sent. */
    public MimeMessage message(String from, String to, String subject, String body) throws MessagingException {
        MimeMessage message = new MimeMessage(session());
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText(body, "UTF-8");
        return message;
    }

    /** Sends with envelope sender = From and envelope recipients = To. */
    public void send(MimeMessage message) throws MessagingException {
        message.saveChanges();
        try (Transport transport = message.getSession().getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /**
     * Sends {@code rawMessage} byte for byte (no header is added or rewritten, so a DKIM signature
     * stays valid) with envelope sender {@code mailFrom} and envelope recipient {@code rcptTo}.
     */
    public void sendRaw(byte[] rawMessage, String mailFrom, String rcptTo) throws MessagingException {
        Session session = session();
        session.getProperties().setProperty("mail.smtp.from", mailFrom);
        // A message parsed from a stream counts as saved: writeTo sends it unchanged.
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(rawMessage));
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, new Address[] {new InternetAddress(rcptTo)});
        }
    }
}
