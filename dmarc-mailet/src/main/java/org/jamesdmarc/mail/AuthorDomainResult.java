package org.jamesdmarc.mail;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * Outcome of extracting the Author Domain from the RFC5322.From field(s), see {@link FromHeaderParser}.
 *
 * <p>RFC 9989 §5.3.1: DMARC applies only when precisely one Author Domain is extracted. Only
 * {@link Single} and {@link MultipleAddressesSameDomain} name that one domain. Every other outcome means
 * "DMARC validation is not possible" unless the receiver opts into the §11.5 approach for
 * {@link MultipleDomains}: evaluate <em>every</em> domain and apply the strictest failing policy. A caller
 * must never pick one domain (the first, the last) out of {@link MultipleDomains}: that is exactly the
 * ambiguity the "Composition Kills" From-header attacks exploit.
 */
public sealed interface AuthorDomainResult {

    /** Exactly one From field holding exactly one mailbox. */
    record Single(DomainName domain, String address) implements AuthorDomainResult {
        public Single {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(address);
        }
    }

    /**
     * Several mailboxes (in one field, or spread over {@code fromFieldCount > 1} From fields) that all share
     * one Author Domain. RFC 9989 §5.3.1 only speaks of the number of domains, so DMARC can proceed with
     * {@code domain}; a receiver enforcing RFC 5322 §3.6 (exactly one From field, like OpenDMARC's
     * RequiredHeaders) should still reject when {@link #multipleFromFields()}.
     */
    record MultipleAddressesSameDomain(DomainName domain, List<String> addresses, int fromFieldCount)
            implements AuthorDomainResult {
        public MultipleAddressesSameDomain {
            Objects.requireNonNull(domain);
            addresses = List.copyOf(addresses);
        }

        public boolean multipleFromFields() {
            return fromFieldCount > 1;
        }
    }

    /**
     * More than one distinct Author Domain (distinct domain names, in order of first appearance).
     * RFC 9989 §5.3.1/§11.5: DMARC validation is not possible; the receiver MAY reject outright (OpenDMARC's
     * RejectMultiValueFrom) or evaluate DMARC for <em>each</em> domain and take the strictest failing
     * policy. Never choose one of them.
     */
    record MultipleDomains(List<DomainName> domains, List<String> addresses, int fromFieldCount)
            implements AuthorDomainResult {
        public MultipleDomains {
            domains = List.copyOf(domains);
            addresses = List.copyOf(addresses);
        }

        public boolean multipleFromFields() {
            return fromFieldCount > 1;
        }
    }

    /** The message has no From field at all (violates RFC 5322 §3.6). */
    record Missing() implements AuthorDomainResult {
    }

    /** From field(s) present but naming no mailbox: blank, only commas, or an empty group. */
    record Empty(EmptyKind kind) implements AuthorDomainResult {
        public Empty {
            Objects.requireNonNull(kind);
        }
    }

    enum EmptyKind {
        /** Nothing but whitespace, comments or commas. */
        BLANK,
        /** RFC 6854 group syntax with no member, e.g. {@code undisclosed-recipients:;}. */
        GROUP_WITHOUT_MAILBOX
    }

    /** The field(s) could not be parsed strictly; {@code reason} is for logs, not for machines. */
    record Malformed(String reason) implements AuthorDomainResult {
        public Malformed {
            Objects.requireNonNull(reason);
        }
    }

    /**
     * The one Author Domain DMARC can be evaluated for (RFC 9989 §5.3.1), or empty when there is none or
     * more than one.
     */
    default Optional<DomainName> uniqueDomain() {
        if (this instanceof Single s) {
            return Optional.of(s.domain());
        }
        if (this instanceof MultipleAddressesSameDomain m) {
            return Optional.of(m.domain());
        }
        return Optional.empty();
    }
}
