package org.jamesdmarc.reporting.aggregate;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * Who reports (RFC 9990 {@code report_metadata}): the organization's name, its contact address, optional extra
 * contact information, the receiver's domain (it names the Report-ID and the file; the email subject's
 * "Submitter"), and the generator written in RFC 9990 reports.
 */
public record Reporter(String orgName, String email, Optional<String> extraContactInfo, DomainName receiver,
                       String generator) {
    public Reporter {
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(generator, "generator");
        if (orgName.isBlank() || email.isBlank()) {
            throw new IllegalArgumentException("a reporter needs an organization name and a contact email");
        }
    }

    /** The generator James DMARC writes by default. */
    public static String defaultGenerator() {
        String version = Reporter.class.getPackage().getImplementationVersion();
        return "James DMARC" + (version == null ? "" : " " + version);
    }
}
