package org.jamesdmarc.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF (RFC 7208) check_host() of the identity DMARC uses (RFC 9989 §4.2: MAIL FROM, or HELO for a null
 * reverse-path), evaluated by jSPF 1.0.3 over our {@link DnsClient}. Never throws for any input or DNS answer;
 * thread-safe.
 */
public final class SpfVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(SpfVerifier.class);

    private final DnsClient dnsClient;
    private final JspfDnsService dnsService;
    private final SPF spf;

    public SpfVerifier(DnsClient dns) {
        this.dnsClient = Objects.requireNonNull(dns, "dns");
        this.dnsService = new JspfDnsService(Objects.requireNonNull(dns, "dns"));
        // The same wiring as jSPF's SPF(DNSService) constructor, but with the synchronous executor: lookups run in
        // the caller's thread through our DnsClient, and no thread pool is started.
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dnsService);
        MacroExpand macroExpand = new MacroExpand(dnsService);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        RFC4408SPF1Parser parser = new RFC4408SPF1Parser(new DefaultTermsFactory(wiring));
        this.spf = new SPF(dnsService, parser, macroExpand, new SynchronousSPFExecutor(dnsService));
        // include: and redirect= recurse into check_host(); jSPF wires the checker in after the parser exists.
        wiring.put(SPFCheckEnabled.class, spf);
    }

    /**
     * Checks {@code mailFrom} (the SMTP reverse-path, with or without angle brackets; null, empty or "<>" for the null
     * reverse-path) sent from {@code clientIp}, which said {@code helo}.
     *
     * @return the result with the checked domain (empty when no identity was usable), scope and, unless it passed, the
     *         SPF record evaluated for that domain ({@link SpfOutcome#record()})
     */
    public SpfOutcome check(InetAddress clientIp, String helo, String mailFrom) {
        return check(clientIp, helo, mailFrom, dnsClient);
    }

    /** As {@link #check(InetAddress, String, String)}, every DNS query of this check going through {@code dns}. */
    public SpfOutcome check(InetAddress clientIp, String helo, String mailFrom, DnsClient dns) {
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(dns, "dns");
        Optional<SpfIdentity> identity = SpfIdentity.resolve(helo, mailFrom);
        if (identity.isEmpty()) {
            // RFC 7208 §4.3: a malformed or single-label domain (or no domain at all) yields "none" at once.
            return new SpfOutcome(SpfResult.NONE, Optional.empty(), SpfIdentity.scopeOf(mailFrom));
        }
        SpfIdentity id = identity.get();
        SpfRecordCapture records = new SpfRecordCapture(id.domain().name());
        SpfResult result = evaluate(clientIp, helo, id, dns, records);
        return new SpfOutcome(result, Optional.of(id.domain()), id.scope(), records.record());
    }

    /**
     * The domain {@link #check} would check for this HELO name and reverse-path (RFC 7208 §2.4: the MAIL FROM
     * domain, or the HELO name for a null reverse-path), without any DNS query; empty when none is usable.
     */
    public static Optional<DomainName> identityDomain(String helo, String mailFrom) {
        return SpfIdentity.resolve(helo, mailFrom).map(SpfIdentity::domain);
    }

    /**
     * Checks the HELO identity alone (RFC 7208 §2.3), e.g. for an Authentication-Results {@code smtp.helo} entry;
     * {@link #check} already uses it when the reverse-path is null.
     */
    public SpfOutcome checkHelo(InetAddress clientIp, String helo) {
        return check(clientIp, helo, "");
    }

    private SpfResult evaluate(InetAddress clientIp, String helo, SpfIdentity id, DnsClient dns,
                               SpfRecordCapture records) {
        SpfLookupBudget budget = new SpfLookupBudget();
        dnsService.begin(budget, dns, records);
        try {
            // %{h} expands to the HELO name; hand jSPF only a validated one.
            String heloName = DomainName.parse(helo, true).map(DomainName::name).orElse("unknown");
            SPFResult result = spf.checkSPF(addressText(clientIp), id.sender(), heloName);
            SpfResult mapped = SpfResult.fromKeyword(result.getResult()).orElse(SpfResult.TEMPERROR);
            if (budget.exceeded() && !(mapped == SpfResult.TEMPERROR && budget.tempFailureBeforeViolation())) {
                // RFC 7208 §4.6.4: exceeding a processing limit -> permerror.
                LOG.debug("SPF {} for {}: {}", SpfResult.PERMERROR.keyword(), id.domain(), budget.violation().orElse(""));
                return SpfResult.PERMERROR;
            }
            return mapped;
        } catch (RuntimeException | StackOverflowError e) {
            // A bug or resource trouble in evaluation is not a verdict about the sender: try again later.
            LOG.warn("SPF evaluation of {} failed: {}", id.domain(), e.toString());
            return SpfResult.TEMPERROR;
        } finally {
            dnsService.end();
        }
    }

    /** The textual address jSPF parses (no IPv6 scope id). */
    private static String addressText(InetAddress ip) {
        String text = ip.getHostAddress();
        if (ip instanceof Inet6Address) {
            int pct = text.indexOf('%');
            if (pct >= 0) {
                text = text.substring(0, pct);
            }
        }
        return text;
    }
}
