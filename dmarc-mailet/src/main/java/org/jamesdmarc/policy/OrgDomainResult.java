package org.jamesdmarc.policy;

import java.util.Objects;

import org.jamesdmarc.dns.DomainName;

/** The Organizational Domain of a domain, or why it could not be determined. */
public sealed interface OrgDomainResult {

    /** Determined: {@code domain} is the Organizational Domain. */
    record Known(DomainName domain) implements OrgDomainResult {
        public Known {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /** A DNS query of the tree walk failed temporarily. */
    record TempError(String detail) implements OrgDomainResult {
        public TempError {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
