package org.jamesdmarc.check;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DnsBudget;

/**
 * The DNS work one check cost against its {@link MessageLimits}: the queries sent for the work that decides the
 * verdict (reserved) and for the rest (other), and which limit, if any, stopped either.
 */
public record BudgetUse(int reservedQueries, int otherQueries, Optional<DnsBudget.Limit> reservedExhausted,
                        Optional<DnsBudget.Limit> otherExhausted) {

    /** No budgeted work (a message skipped before any). */
    public static final BudgetUse NONE = new BudgetUse(0, 0, Optional.empty(), Optional.empty());

    public BudgetUse {
        Objects.requireNonNull(reservedExhausted, "reservedExhausted");
        Objects.requireNonNull(otherExhausted, "otherExhausted");
    }

    static BudgetUse of(DnsBudget reserved, DnsBudget other) {
        return new BudgetUse(reserved.queries(), other.queries(), reserved.exhausted(), other.exhausted());
    }

    /** DNS queries sent in all (answers from the cache not counted). */
    public int queries() {
        return reservedQueries + otherQueries;
    }

    /** True when some work was refused or cut short for lack of budget. */
    public boolean exhausted() {
        return reservedExhausted.isPresent() || otherExhausted.isPresent();
    }
}
