package org.jamesdmarc.auth;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.jamesdmarc.dns.DnsAnswer;
import org.jamesdmarc.dns.DnsNames;
import org.jamesdmarc.dns.RecordType;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.TxtAnswer;

/**
 * jSPF's DNS extension point ({@link DNSService}) answered by our {@link DnsClient}, so SPF uses the same servers,
 * timeouts and cache as DMARC and DKIM. jSPF expects: a list of strings in the format of its own dnsjava
 * implementation (addresses as text, MX/PTR targets as names, TXT strings concatenated), {@code null} for "no such
 * records", and {@link TimeoutException} for a temporary failure (which it turns into temperror).
 *
 * <p>It also enforces the RFC 7208 §4.6.4 limits jSPF 1.0.3 lacks (void lookups, MX records), recording a
 * violation in the per-check {@link SpfLookupBudget}; the verifier then reports permerror.
 */
final class JspfDnsService implements DNSService {

    /** RFC 7208 §4.6.4: an "mx" evaluation MUST NOT query more than 10 address records. */
    static final int MAX_MX_RECORDS = 10;
    /**
     * Longest SPF term handed to jSPF. Its term regex recurses per character and overflows a 1 MiB thread stack
     * from about 1,500 characters (a 256 KiB stack from about 250); a domain-spec is at most 253 octets after
     * expansion (RFC 7208 §7.3), so a longer term is treated as unparseable (permerror) without parsing it.
     */
    static final int MAX_TERM_LENGTH = 512;
    /** RFC 7208 §4.6.4: PTR names beyond the first 10 are ignored (jSPF truncates to this limit). */
    private static final int PTR_RECORD_LIMIT = 10;

    private final DnsClient dns;
    private final ThreadLocal<SpfLookupBudget> budget = new ThreadLocal<>();
    /** The record capture of the check under way in this thread, if any. */
    private final ThreadLocal<SpfRecordCapture> capture = new ThreadLocal<>();
    /** The client of the check under way in this thread, when it brought its own (a per-message budget). */
    private final ThreadLocal<DnsClient> checkDns = new ThreadLocal<>();

    JspfDnsService(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /**
     * Binds a budget and the DNS client to use to the calling thread for one check (jSPF's synchronous executor
     * runs in the caller's thread).
     */
    void begin(SpfLookupBudget checkBudget, DnsClient client) {
        budget.set(checkBudget);
        checkDns.set(client);
    }

    /** As {@link #begin(SpfLookupBudget, DnsClient)}, noting the checked domain's SPF record in {@code records}. */
    void begin(SpfLookupBudget checkBudget, DnsClient client, SpfRecordCapture records) {
        begin(checkBudget, client);
        capture.set(records);
    }

    void end() {
        budget.remove();
        checkDns.remove();
        capture.remove();
    }

    private DnsClient dns() {
        DnsClient client = checkDns.get();
        return client != null ? client : dns;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        SpfLookupBudget b = budget.get();
        if (b != null && b.exceeded()) {
            return null; // the result is already permerror; stop querying
        }
        String name = request.getHostname();
        if (!isQueryableName(name)) {
            return null; // like jSPF's own resolver: a name DNS cannot carry has no records
        }
        try {
            return switch (request.getRecordType()) {
                // RFC 7208 §3.1, §14.1: SPF records are published as TXT only; the SPF RR type is obsolete,
                // so do not query it (jSPF then falls back to TXT).
                case DNSRequest.SPF -> null;
                case DNSRequest.TXT -> txt(name);
                case DNSRequest.A -> addresses(name, RecordType.A, b);
                case DNSRequest.AAAA -> addresses(name, RecordType.AAAA, b);
                case DNSRequest.MX -> mx(name, b);
                case DNSRequest.PTR -> ptr(name, b);
                default -> null;
            };
        } catch (RuntimeException e) {
            // Our DnsClient never throws for DNS trouble; anything else is still "try again later", not a verdict.
            throw tempFailure("DNS lookup failed: " + e.getClass().getSimpleName());
        }
    }

    private List<String> txt(String name) throws TimeoutException {
        TxtAnswer answer = dns().txt(name);
        if (answer.status() == DnsStatus.TEMPFAIL) {
            throw tempFailure(answer.detail()); // RFC 7208 §4.4: temporary DNS error -> temperror
        }
        // Void TXT answers are not counted: for the checked domain that is "none" (§4.5), for include/redirect
        // jSPF already gives permerror (§5.2, §6.1), and exp= lookups do not count (§4.6.4).
        if (answer.status() != DnsStatus.FOUND || answer.texts().isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (String text : answer.texts()) {
            if (isSpfRecord(text)) {
                if (hasOverlongTerm(text)) {
                    SpfLookupBudget b = budget.get();
                    if (b != null) {
                        b.violate("SPF term longer than " + MAX_TERM_LENGTH + " characters at " + name);
                    }
                    return null;
                }
                texts.add(text);
                SpfRecordCapture records = capture.get();
                if (records != null) {
                    records.retrieved(name, text);
                }
            } else if (text.length() <= MAX_TERM_LENGTH) {
                // Other TXT data matters only as an exp= explanation (RFC 7208 §6.2), which jSPF also parses by
                // regex; an overlong one is dropped, leaving the result without an explanation.
                texts.add(text);
            }
        }
        return texts.isEmpty() ? null : texts;
    }

    /** RFC 7208 §4.5: a record starts with "v=spf1" followed by a space or the end. */
    private static boolean isSpfRecord(String text) {
        String t = text.strip();
        return t.regionMatches(true, 0, "v=spf1", 0, 6) && (t.length() == 6 || t.charAt(6) == ' ');
    }

    private static boolean hasOverlongTerm(String record) {
        int run = 0;
        for (int i = 0; i < record.length(); i++) {
            run = record.charAt(i) == ' ' ? 0 : run + 1;
            if (run > MAX_TERM_LENGTH) {
                return true;
            }
        }
        return false;
    }

    private List<String> addresses(String name, RecordType type, SpfLookupBudget b) throws TimeoutException {
        DnsAnswer answer = found(dns().query(name, type), b);
        if (answer == null) {
            return null;
        }
        // jSPF may change the lists it gets back: always mutable ones.
        List<String> out = new ArrayList<>(answer.addresses().stream().map(InetAddress::getHostAddress).toList());
        return out.isEmpty() ? null : out;
    }

    private List<String> mx(String name, SpfLookupBudget b) throws TimeoutException {
        DnsAnswer answer = found(dns().query(name, RecordType.MX), b);
        if (answer == null) {
            return null;
        }
        List<String> out = answer.targetNames();
        if (out.size() > MAX_MX_RECORDS) {
            // RFC 7208 §4.6.4: more than 10 address lookups for one "mx" -> permerror.
            if (b != null) {
                b.violate("more than " + MAX_MX_RECORDS + " MX records for " + name);
            }
            return null;
        }
        return out.isEmpty() ? null : out;
    }

    private List<String> ptr(String name, SpfLookupBudget b) throws TimeoutException {
        DnsAnswer answer = found(dns().query(name, RecordType.PTR), b);
        if (answer == null) {
            return null;
        }
        List<String> out = new ArrayList<>(answer.targetNames().stream()
                .map(target -> target.endsWith(".") ? target.substring(0, target.length() - 1) : target).toList());
        return out.isEmpty() ? null : out;
    }

    /** A FOUND answer with records; null for a void answer (counted, RFC 7208 §4.6.4); TEMPFAIL throws. */
    private DnsAnswer found(DnsAnswer answer, SpfLookupBudget b) throws TimeoutException {
        switch (answer.status()) {
            case FOUND:
                if (!answer.records().isEmpty()) {
                    return answer;
                }
                // FOUND without records is treated as NODATA
            case NXDOMAIN:
            case NODATA:
                if (b != null) {
                    b.voidLookup();
                }
                return null;
            case TEMPFAIL:
            default:
                throw tempFailure(answer.detail());
        }
    }

    /** A temporary DNS failure, noted in the check's budget (it may decide the result before a limit is hit). */
    private TimeoutException tempFailure(String detail) {
        SpfLookupBudget b = budget.get();
        if (b != null) {
            b.tempFailure();
        }
        return new TimeoutException(detail);
    }

    private static boolean isQueryableName(String name) {
        return DnsNames.isParseable(name);
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        // Only the synchronous executor is used; answer from the same code path for completeness.
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * RFC 7208 §7.3: "r" is the checking host's domain, "unknown" if not available. Returning none avoids jSPF's
     * default of resolving the local host name through the system resolver.
     */
    @Override
    public List<String> getLocalDomainNames() {
        return List.of();
    }

    /** Timeouts belong to the shared DNS settings, not to SPF. */
    @Override
    public void setTimeOut(int timeOut) {
    }

    @Override
    public int getRecordLimit() {
        return PTR_RECORD_LIMIT;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
    }
}
