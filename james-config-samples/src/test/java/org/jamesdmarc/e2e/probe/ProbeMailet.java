package org.jamesdmarc.e2e.probe;

import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * A tiny mailet that {@code JamesExtensionJarIT} packages into a jar for extensions-jars/: it
 * stamps what James gave it (init parameter, injected service, class loader, client address,
 * mail attributes) into headers, so that the test can read them back over IMAP.
 */
public class ProbeMailet extends GenericMailet {
    private final MetricFactory metricFactory;

    @Inject
    public ProbeMailet(MetricFactory metricFactory) {
        this.metricFactory = metricFactory;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        message.setHeader("X-Probe-Param", getInitParameter("value", "(unset)"));
        message.setHeader("X-Probe-Sys-Param", getInitParameter("fromSystemProperty", "(unset)"));
        message.setHeader("X-Probe-Env-Param", getInitParameter("fromEnvironment", "(unset)"));
        message.setHeader("X-Probe-Injected", metricFactory.getClass().getName());
        message.setHeader("X-Probe-Class-Loader", getClass().getClassLoader().getClass().getName());
        message.setHeader("X-Probe-Remote-Addr", mail.getRemoteAddr());
        message.setHeader("X-Probe-Remote-Host", mail.getRemoteHost());
        message.setHeader("X-Probe-Attributes", mail.attributes()
            .map(a -> a.getName().asString() + "=" + a.getValue().value())
            .sorted()
            .collect(Collectors.joining("; ")));
        message.saveChanges();
    }

    @Override
    public String getMailetInfo() {
        return "James DMARC e2e probe mailet";
    }
}
