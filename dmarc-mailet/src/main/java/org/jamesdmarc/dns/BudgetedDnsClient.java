package org.jamesdmarc.dns;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.xbill.DNS.Type;

/**
 * A client for one message's work that spends a {@link DnsBudget}: answers its delegate has cached are given
 * without counting; every other query needs the budget's consent, and waits no longer than the time the budget
 * has left ({@link DnsClient#query(String, int, Duration)}). A query the budget refuses is not sent: its answer is
 * TEMPFAIL saying so, which the checks read as any temporary DNS failure; the caller decides, from
 * {@link DnsBudget#exhausted()}, what that means for its verdict. Thread-safe when its delegate is.
 */
public final class BudgetedDnsClient extends AbstractDnsClient {

    private final DnsClient delegate;
    private final DnsBudget budget;

    public BudgetedDnsClient(DnsClient delegate, DnsBudget budget) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    public DnsBudget budget() {
        return budget;
    }

    @Override
    public DnsAnswer query(String name, int type) {
        return query(name, type, Duration.ofMillis(Long.MAX_VALUE));
    }

    /** The query, waiting no longer than {@code callerWait} nor than the budget has left. */
    @Override
    public DnsAnswer query(String name, int type, Duration callerWait) {
        Optional<DnsAnswer> cached = delegate.cachedAnswer(name, type);
        if (cached.isPresent()) {
            return cached.get();
        }
        Optional<Duration> maxWait = budget.start();
        if (maxWait.isEmpty()) {
            return DnsAnswer.of(DnsStatus.TEMPFAIL, name + "/" + Type.string(type)
                    + ": not asked, the per-message DNS budget is used up (" + budget.exhausted()
                    .map(l -> l == DnsBudget.Limit.QUERIES ? budget.maxQueries() + " queries"
                            : budget.maxTime().toMillis() + " ms")
                    .orElse("") + ")");
        }
        try {
            return delegate.query(name, type, maxWait.get().compareTo(callerWait) < 0 ? maxWait.get() : callerWait);
        } finally {
            budget.finish();
        }
    }

    @Override
    public Optional<DnsAnswer> cachedAnswer(String name, int type) {
        return delegate.cachedAnswer(name, type);
    }

    /**
     * From the delegate's cache, with the reading it keeps there ({@link DnsClient#readTxt}); otherwise one budgeted
     * query, read here (the delegate caches the answer, so the next message reads it there).
     */
    @Override
    public <T> T readTxt(String name, Function<? super TxtAnswer, ? extends T> reader) {
        Optional<T> cached = delegate.readCachedTxt(name, reader);
        return cached.isPresent() ? cached.get() : reader.apply(txt(name));
    }

    @Override
    public <T> Optional<T> readCachedTxt(String name, Function<? super TxtAnswer, ? extends T> reader) {
        return delegate.readCachedTxt(name, reader);
    }
}
