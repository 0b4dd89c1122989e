package org.jamesdmarc.check;

import java.util.List;
import java.util.Objects;

import org.jamesdmarc.dns.BudgetedDnsClient;
import org.jamesdmarc.dns.DnsBudget;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AuthorEvaluation;

/**
 * The DNS work of one message's check, on the two budgets of its {@link MessageLimits}: {@link #reserved()} for
 * what decides the verdict (policy discovery of the author domains, SPF and DKIM of identifiers that could align,
 * alignment tree walks, the existence check), {@link #other()} for what cannot change it (SPF and signatures that
 * cannot align). Spent separately, so the rest can never use up what the verdict needs. Both sit above the shared
 * cache: cached answers are free.
 */
final class MessageWork {

    private final DnsBudget reservedBudget;
    private final DnsBudget otherBudget;
    private final DnsClient reserved;
    private final DnsClient other;
    private boolean nothingReserved;

    MessageWork(DnsClient shared, MessageLimits limits) {
        Objects.requireNonNull(shared, "shared");
        this.reservedBudget = limits.reservedBudget();
        this.otherBudget = limits.otherBudget();
        this.reserved = new BudgetedDnsClient(shared, reservedBudget);
        this.other = new BudgetedDnsClient(shared, otherBudget);
    }

    /** The client for work that decides the verdict: when its budget runs out, the verdict is temperror. */
    DnsClient reserved() {
        return reserved;
    }

    /** The client for work that cannot change the verdict: when its budget runs out, that work is skipped. */
    DnsClient other() {
        return nothingReserved ? reserved : other;
    }

    /** True when the work that cannot change the verdict was refused or cut short. */
    boolean otherExhausted() {
        return (nothingReserved ? reservedBudget : otherBudget).exhausted().isPresent();
    }

    /**
     * No author domain has a policy record (RFC 9989 §4.10.1: no DMARC for this message), so no identifier can
     * change the verdict and nothing needs reserving: from now on the other work may use the reserved budget.
     */
    void reserveNothing() {
        nothingReserved = true;
    }

    BudgetUse use() {
        return BudgetUse.of(reservedBudget, otherBudget);
    }

    /**
     * Whether an authenticated identifier in {@code domain} could be aligned with one of the author domains
     * ({@link AuthorEvaluation#mayAlign}): then its authentication is part of the reserved work.
     */
    static boolean mayAlign(List<AuthorEvaluation> authors, DomainName domain) {
        for (AuthorEvaluation a : authors) {
            if (a.mayAlign(domain)) {
                return true;
            }
        }
        return false;
    }
}
