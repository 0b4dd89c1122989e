package org.jamesdmarc.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs independent DNS work of one message in parallel (the policy discoveries of several author domains, the
 * key lookups of several DKIM signatures), so its wall time is the slowest lookup's rather than their sum. The
 * first item runs in the calling thread, the others on a small pool of daemon threads shared by all messages;
 * when the pool is busy an item runs in the calling thread too, so the work always completes. Each item's time
 * is bounded by the DNS client it uses (its timeout, a {@link BudgetedDnsClient}'s budget).
 */
public final class ParallelLookups {

    /** Threads of the shared pool; beyond that, work runs in the calling threads. */
    static final int MAX_THREADS = 32;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "dmarc-dns-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());

    private ParallelLookups() {
    }

    /**
     * {@code work} applied to every item, in parallel; the results in the order of {@code items}. An exception
     * thrown by {@code work} is thrown here once every item has finished.
     */
    public static <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> work) {
        Objects.requireNonNull(work, "work");
        if (items.size() <= 1) {
            return items.stream().<R>map(work).toList();
        }
        List<CompletableFuture<R>> others = new ArrayList<>(items.size() - 1);
        for (T item : items.subList(1, items.size())) {
            others.add(CompletableFuture.supplyAsync(() -> work.apply(item), POOL));
        }
        List<R> results = new ArrayList<>(items.size());
        RuntimeException first = null;
        try {
            results.add(work.apply(items.get(0)));
        } catch (RuntimeException e) {
            first = e;
        }
        for (CompletableFuture<R> f : others) {
            try {
                results.add(f.join());
            } catch (CompletionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }
}
