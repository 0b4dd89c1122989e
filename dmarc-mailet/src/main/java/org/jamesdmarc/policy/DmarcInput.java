package org.jamesdmarc.policy;

import java.util.List;
import java.util.Objects;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.DomainName;

/**
 * What DMARC evaluates for one message.
 *
 * @param authorDomain the RFC5322.From domain (RFC 9989 §3.2.2)
 * @param spf          the SPF result for the MAIL FROM identity (or HELO for a null reverse-path)
 * @param dkim         one outcome per DKIM-Signature
 */
public record DmarcInput(DomainName authorDomain, SpfOutcome spf, List<DkimOutcome> dkim) {
    public DmarcInput {
        Objects.requireNonNull(authorDomain, "authorDomain");
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
    }
}
