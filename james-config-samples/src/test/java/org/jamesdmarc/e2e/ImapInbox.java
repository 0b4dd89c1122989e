package org.jamesdmarc.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.internet.MimeMessage;

/** Reads the INBOX of a {@link JamesProcess} user over IMAP. */
public final class ImapInbox {
    private final JamesProcess james;
    private final String user;
    private final String password;

    private ImapInbox(JamesProcess james, String user, String password) {
        this.james = james;
        this.user = user;
        this.password = password;
    }

    /** The INBOX of the user run-james created. */
    public static ImapInbox of(JamesProcess james) {
        return new ImapInbox(james, james.user(), james.password());
    }

    /**
     * Waits (polling, bounded by {@code timeout}) for a message whose {@code headerName} header has
     * value {@code headerValue}; returns a detached copy, or empty when none arrived in time.
     */
    public Optional<MimeMessage> await(String headerName, String headerValue, Duration timeout)
            throws MessagingException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<MimeMessage> found;
            try {
                found = find(headerName, headerValue);
            } catch (MessagingException e) {
                // One IMAP session that times out or is dropped (a busy James, a loaded machine) is not the
                // answer: ask again with a new session; past the deadline, that last answer counts.
                found = System.nanoTime() - deadline > 0 ? find(headerName, headerValue) : Optional.empty();
            }
            if (found.isPresent() || System.nanoTime() - deadline > 0) {
                return found;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Number of messages in the INBOX now. */
    public int count() throws MessagingException {
        try (Store store = connect(); Folder inbox = store.getFolder("INBOX")) {
            inbox.open(Folder.READ_ONLY);
            return inbox.getMessageCount();
        }
    }

    private Optional<MimeMessage> find(String headerName, String headerValue) throws MessagingException, IOException {
        try (Store store = connect(); Folder inbox = store.getFolder("INBOX")) {
            inbox.open(Folder.READ_ONLY);
            for (Message message : inbox.getMessages()) {
                String[] values = message.getHeader(headerName);
                if (values != null && Arrays.asList(values).contains(headerValue)) {
                    return Optional.of(detach((MimeMessage) message));
                }
            }
            return Optional.empty();
        }
    }

    private Store connect() throws MessagingException {
        Properties props = new Properties();
        props.setProperty("mail.imap.connectiontimeout", "10000");
        props.setProperty("mail.imap.timeout", "30000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect(JamesProcess.HOST, james.imapPort(), user, password);
        return store;
    }

    private static MimeMessage detach(MimeMessage message) throws MessagingException, IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.toByteArray()));
    }
}
