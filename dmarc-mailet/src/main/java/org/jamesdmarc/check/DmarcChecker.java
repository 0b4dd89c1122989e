package org.jamesdmarc.check;

import org.jamesdmarc.mail.HeaderSection;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimVerifier;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcVerifier;
import org.jamesdmarc.policy.ArcOverride;
import org.jamesdmarc.mail.AuthResultsFields;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.OwnAuthResultsRemover;
import org.jamesdmarc.auth.ReceivedSpfParser;
import org.jamesdmarc.auth.ReceivedSpfVerdict;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.auth.SpfVerifier;
import org.jamesdmarc.auth.TrustedAuthResults;
import org.jamesdmarc.auth.TrustedAuthResultsExtractor;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsClients;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.ParallelLookups;
import org.jamesdmarc.dns.ReverseDns;
import org.jamesdmarc.mail.AuthorDomainResult;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AuthorEvaluation;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcEvaluator;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.EvaluationOptions;
import org.jamesdmarc.mail.FromHeaderParser;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PublicSuffixList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one evaluation path: From field, trusted upstream results or our own SPF and DKIM checks, DMARC
 * policy evaluation, and the Authentication-Results field to add. Used by the {@code DmarcCheck} mailet,
 * the {@code DmarcMessageHook} SMTP hook and {@code dmarc evaluate}. Thread-safe; never throws for anything
 * a message or the DNS contains.
 *
 * <p>Bounded work per message: at most {@value #MAX_AUTHOR_DOMAINS} author domains (more are refused), the
 * topmost few trusted Authentication-Results ({@link TrustedAuthResultsExtractor}), the signatures of
 * {@link SignatureSelection}, and the DNS budget of {@link CheckSettings#limits()} ({@link MessageWork}). The
 * policy discovery of every author domain comes first; then only identifiers that could align with one of them
 * (at or below its Organizational Domain, {@link AuthorEvaluation#mayAlign}) are authenticated on the reserved
 * budget, the others on a budget of their own. Running out of the reserved budget gives temperror, never pass
 * or fail; a message naming several author domains whose evaluation runs out of it is refused rather than
 * delivered as temperror (the work it asks for is more than mail needs).
 */
public final class DmarcChecker {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcChecker.class);

    /**
     * The most author domains one message may name (RFC 9989 §5.3.1 lets a receiver reject multi-valued From):
     * each costs a policy discovery of up to 8 queries (§4.10), and mail rarely names more than one or two.
     */
    public static final int MAX_AUTHOR_DOMAINS = 3;

    private final CheckSettings settings;
    private final DnsClient dns;
    private final DmarcEvaluator evaluator;
    private final SpfVerifier spfVerifier;
    private final DkimVerifier dkimVerifier;
    private final ArcVerifier arcVerifier = new ArcVerifier();
    private final OwnAuthResultsRemover ownResults;
    private final TrustedAuthResultsExtractor trustedResults;
    private final AuthenticationResultsWriter writer;
    private final ReverseDns reverseDns;

    /** A checker whose DNS, SPF, DKIM and DMARC lookups all go through {@code dns}. */
    public DmarcChecker(CheckSettings settings, DnsClient dns, DmarcEvaluator evaluator) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.reverseDns = new ReverseDns(dns);
        this.spfVerifier = new SpfVerifier(dns);
        this.dkimVerifier = new DkimVerifier(dns, settings.dkimPartialBodyPasses());
        this.ownResults = new OwnAuthResultsRemover(settings.authservId());
        this.trustedResults = new TrustedAuthResultsExtractor(settings.trustedAuthservIds());
        this.writer = new AuthenticationResultsWriter(settings.authservId());
    }

    /** A checker with its own DNS client (cache included) built from {@code settings}. */
    public static DmarcChecker create(CheckSettings settings) {
        DnsClient dns = DnsClients.create(settings.dns());
        return new DmarcChecker(settings, dns, new DmarcEvaluator(dns, evaluationOptions(settings)));
    }

    /** The policy-evaluation part of {@code settings}; a PSL file that cannot be read is an {@link IllegalArgumentException}. */
    public static EvaluationOptions evaluationOptions(CheckSettings settings) {
        EvaluationOptions options = EvaluationOptions.defaults().withDiscoveryMode(settings.discovery());
        if (settings.publicSuffixList().isPresent()) {
            Path file = settings.publicSuffixList().get();
            try {
                options = options.withPublicSuffixList(PublicSuffixList.load(file));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("publicSuffixList: cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        if (settings.legacyPctSampling()) {
            options = options.withLegacyPctSampling(true, EvaluationOptions.randomPercentile());
        }
        return options;
    }

    public CheckSettings settings() {
        return settings;
    }

    /** Never throws for anything the message or DNS contains. */
    public CheckOutcome check(MessageContext context) {
        // The header section is read once; every step below (and the evaluation record's Message-ID) reads it from here.
        HeaderSection header = context.header();
        AuthResultsFields authResults = ownResults.scan(header);
        List<Integer> forged = authResults.forged();
        try {
            return evaluate(context, header, authResults);
        } catch (RuntimeException e) {
            // A bug must not lose or reject mail: report it and let the message through unjudged.
            LOG.error("DMARC check failed unexpectedly; the message is passed on unjudged", e);
            return new CheckOutcome.Skipped(SkipReason.INTERNAL_ERROR, String.valueOf(e),
                    settings.authservId() + "; dmarc=temperror reason=\"internal error\"", forged);
        }
    }

    private CheckOutcome evaluate(MessageContext context, HeaderSection header, AuthResultsFields authResults) {
        List<Integer> forged = authResults.forged();
        ClientIdentity client = TrustedRelay.originalClient(context, header, settings.trustedRelays());

        if (ignoredHost(client.address())
                && !TrustedRelay.originalClientUnreadable(context, header, settings.trustedRelays())) {
            return skipped(SkipReason.IGNORED_HOST, "client " + client.address().getHostAddress() + " is in ignoreHosts", forged);
        }
        if (context.authenticated() && settings.ignoreAuthenticatedClients()) {
            return skipped(SkipReason.AUTHENTICATED_CLIENT, "client authenticated", forged);
        }

        AuthorDomainResult from = FromHeaderParser.authorDomainFromHeader(header);
        Optional<CheckOutcome> refusedOrSkipped = screenFrom(from, forged);
        if (refusedOrSkipped.isPresent()) {
            return refusedOrSkipped.get();
        }
        List<DomainName> domains = authorDomains(from);
        // Only when every author domain is ignored: otherwise naming an ignored domain next to a forged one
        // would switch the check off for the forged one (an attacker-chosen verdict, Chen et al. 2020).
        if (domains.stream().allMatch(settings.ignoreMailFrom()::contains)) {
            return skipped(SkipReason.IGNORED_MAIL_FROM, "author domain " + domains + " is in ignoreMailFrom", forged);
        }

        MessageWork work = new MessageWork(dns, settings.limits());
        // RFC 9989 §4.10.1: the policy of every author domain first (independent, so in parallel); what could
        // align with them then decides which identifiers are worth authenticating on the reserved budget.
        List<AuthorEvaluation> authors = ParallelLookups.map(domains, d -> evaluator.discover(d, work.reserved()));
        if (authors.stream().noneMatch(a -> a.discovery().found())) {
            work.reserveNothing();
        }

        TrustedAuthResults upstream = trustedResults.extract(upstreamResultFields(client, header, authResults));

        SpfChoice spf = spf(context, header, client, upstream, authors, work);
        DkimChoice dkim = dkim(context, header, upstream, authors, work);

        // RFC 9989 §5.3.1 / §11.5: with several author domains, evaluate each and keep the strictest verdict.
        DmarcEvaluation strictest = authors.stream()
                .map(a -> a.evaluate(spf.outcome(), dkim.outcomes()))
                .max(Comparator.comparing(Strictness::of))
                .orElseThrow();
        ArcOutcome arc = arc(context, header, work);
        // RFC 8617 §7.2: a trusted sealer's recorded results may lower a failure's disposition (local policy).
        Optional<ArcOverride.Decision> arcOverride = ArcOverride.decide(strictest, arc, settings.arcSealers());
        DmarcEvaluation evaluation = arcOverride.map(d -> ArcOverride.apply(strictest, d)).orElse(strictest);
        BudgetUse use = work.use();
        if (use.exhausted()) {
            LOG.debug("DMARC check of {} ran out of its DNS budget: {}", domains, use);
        }
        if (domains.size() > 1 && evaluation.result() == DmarcResult.TEMPERROR && use.reservedExhausted().isPresent()) {
            // Refused, not delivered as temperror: one author domain of the attacker's with slow name servers must
            // not use up the budget another (forged) author domain's verdict needs.
            return refused(HeaderViolation.MULTI_VALUE_FROM, "From names " + domains.size()
                    + " domains; evaluating them all needs more than the per-message DNS budget", forged, use);
        }

        String ar = writer.value(summary(evaluation), Optional.of(spf.outcome()), dkim.outcomes());
        if (arc.result() != ArcResult.NONE) {
            ar = ar + "; " + AuthenticationResultsWriter.arc(arc);
        }
        return new CheckOutcome.Evaluated(evaluation, spf.outcome(), dkim.outcomes(), spf.source(), dkim.source(),
                client, ar, forged, use, arc, arcOverride);
    }

    /**
     * The Authentication-Results fields whose trusted-id results may be believed. A field is only as good as the
     * host that wrote it: a sender connecting to James directly can write {@code Authentication-Results:
     * trusted.example; dkim=pass header.d=victim.example} itself. So only for mail a trusted relay passed on, and
     * only fields that relay added (RFC 8601 §5 makes it remove incoming ones claiming its id); unless the
     * administrator chose OpenDMARC's model ({@code trustAuthResultsFromAnyClient}).
     */
    private List<HeaderField> upstreamResultFields(ClientIdentity client, HeaderSection header,
                                                   AuthResultsFields authResults) {
        if (settings.trustAuthResultsFromAnyClient()) {
            return authResults.believable();
        }
        if (!client.viaTrustedRelay()) {
            return List.of();
        }
        Set<HeaderField> addedByRelay = Collections.newSetFromMap(new IdentityHashMap<>());
        addedByRelay.addAll(TrustedRelay.addedByRelayOfOriginalClient(header, settings.trustedRelays()));
        return authResults.believable().stream().filter(addedByRelay::contains).toList();
    }

    /**
     * ignoreHosts (OpenDMARC IgnoreHosts): addresses match the client address; host names match the client's
     * forward-confirmed reverse DNS name (OpenDMARC compares the host name the MTA verified), never the HELO
     * name, which the client chooses freely: "EHLO partner.example" must not switch the check off.
     * A DNS failure leaves the name unknown, so the mail is checked.
     */
    private boolean ignoredHost(InetAddress address) {
        HostList hosts = settings.ignoreHosts();
        if (!hosts.hasNames()) {
            return hosts.matches(address, null);
        }
        List<String> names = reverseDns.confirmedNames(address);
        if (names.isEmpty()) {
            return hosts.matches(address, null);
        }
        return names.stream().anyMatch(n -> hosts.matches(address, n));
    }

    private Optional<CheckOutcome> screenFrom(AuthorDomainResult from, List<Integer> forged) {
        if (from instanceof AuthorDomainResult.MultipleDomains m) {
            if (settings.requiredHeaders() && m.multipleFromFields()) {
                return Optional.of(refused(HeaderViolation.MULTIPLE_FROM_FIELDS, m.fromFieldCount() + " From fields", forged));
            }
            if (settings.rejectMultiValueFrom()) {
                return Optional.of(refused(HeaderViolation.MULTI_VALUE_FROM, "From names several domains " + m.domains(), forged));
            }
            if (m.domains().size() > MAX_AUTHOR_DOMAINS) {
                // Each author domain costs a policy discovery: past this bound the message is refused rather
                // than evaluated in part, since skipping any domain could skip the one that fails.
                return Optional.of(refused(HeaderViolation.MULTI_VALUE_FROM, "From names " + m.domains().size()
                        + " domains, more than " + MAX_AUTHOR_DOMAINS + " are not evaluated", forged));
            }
            return Optional.empty();
        }
        if (from instanceof AuthorDomainResult.MultipleAddressesSameDomain m) {
            if (settings.requiredHeaders() && m.multipleFromFields()) {
                return Optional.of(refused(HeaderViolation.MULTIPLE_FROM_FIELDS, m.fromFieldCount() + " From fields", forged));
            }
            return Optional.empty();
        }
        if (from instanceof AuthorDomainResult.Single) {
            return Optional.empty();
        }
        String why = describe(from);
        if (settings.requiredHeaders()) {
            return Optional.of(refused(HeaderViolation.INVALID_FROM, why, forged));
        }
        // RFC 9989 §5.3.1: with no Author Domain "DMARC validation is not possible"; the result written is
        // permerror (a problem in the message), as for a refused From, but the message is not refused.
        String ar = writer.value(new DmarcSummary(DmarcResult.PERMERROR, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(why)), Optional.empty(), List.of());
        return Optional.of(new CheckOutcome.Skipped(SkipReason.NO_AUTHOR_DOMAIN, why, ar, forged));
    }

    private static List<DomainName> authorDomains(AuthorDomainResult from) {
        if (from instanceof AuthorDomainResult.MultipleDomains m) {
            return m.domains();
        }
        return List.of(from.uniqueDomain().orElseThrow());
    }

    private static String describe(AuthorDomainResult from) {
        if (from instanceof AuthorDomainResult.Missing) {
            return "no From field";
        }
        if (from instanceof AuthorDomainResult.Empty e) {
            return "From field names no mailbox (" + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        if (from instanceof AuthorDomainResult.Malformed m) {
            return "malformed From field: " + m.reason();
        }
        return from.toString();
    }

    private record SpfChoice(SpfOutcome outcome, ResultSource source) {
    }

    /**
     * The ARC chain (RFC 8617 §5.2) of a message that has an ARC-Seal field, on the budget of the work that cannot
     * change the DMARC verdict (a chain cut short by it fails, so it can only leave a disposition as it is).
     */
    private ArcOutcome arc(MessageContext context, HeaderSection header, MessageWork work) {
        if (!header.hasField("ARC-Seal")) {
            return ArcOutcome.NONE;
        }
        return arcVerifier.verify(context.message(), header, work.other());
    }

    private record DkimChoice(List<DkimOutcome> outcomes, ResultSource source) {
    }

    private SpfChoice spf(MessageContext context, HeaderSection header, ClientIdentity client,
                          TrustedAuthResults upstream, List<AuthorEvaluation> authors, MessageWork work) {
        if (!settings.spfIgnoreResults()) {
            // RFC 9989 §3.2.4 / §4.4.2: DMARC relies solely on the MAIL FROM identity; an upstream result for the
            // HELO identity stands in for it only when the reverse-path is null (RFC 7208 §2.4).
            if (upstream.spf().isPresent()
                    && (upstream.spf().get().scope() != SpfScope.HELO || isNullReversePath(context.mailFrom()))) {
                return new SpfChoice(upstream.spf().get(), ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
            }
            if (client.viaTrustedRelay()) {
                // CVE-2019-20790: only the topmost Received-SPF the relay added along with the Received field naming
                // the original client (not one the sender wrote further down), and only when it checked the
                // envelope sender we saw.
                List<HeaderField> relayFields = TrustedRelay.addedWithOriginalClientReceived(header,
                        settings.trustedRelays());
                ReceivedSpfVerdict verdict = ReceivedSpfParser.evaluateTopmost(relayFields, context.mailFrom(),
                        Optional.of(client.helo()));
                if (verdict instanceof ReceivedSpfVerdict.Trusted t) {
                    return new SpfChoice(t.outcome(), ResultSource.TRUSTED_RECEIVED_SPF);
                }
            }
        }
        if (settings.spfSelfValidate()) {
            String mailFrom = context.mailFrom().orElse("");
            // An SPF domain that cannot align only matters for the report: checked on the other budget.
            boolean mayAlign = SpfVerifier.identityDomain(client.helo(), mailFrom)
                    .filter(d -> MessageWork.mayAlign(authors, d)).isPresent();
            SpfOutcome own = spfVerifier.check(client.address(), client.helo(), mailFrom,
                    mayAlign ? work.reserved() : work.other());
            return new SpfChoice(own, ResultSource.SELF);
        }
        return new SpfChoice(SpfOutcome.none(), ResultSource.UNAVAILABLE);
    }

    private static boolean isNullReversePath(Optional<String> mailFrom) {
        return mailFrom.map(String::strip).filter(m -> !m.isEmpty() && !m.equals("<>")).isEmpty();
    }

    private DkimChoice dkim(MessageContext context, HeaderSection header, TrustedAuthResults upstream,
                            List<AuthorEvaluation> authors, MessageWork work) {
        if (!upstream.dkim().isEmpty()) {
            return new DkimChoice(upstream.dkim(), ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
        }
        if (settings.dkimSelfValidate()) {
            try (DkimVerifier.Signatures signatures = dkimVerifier.signatures(context.message(), header)) {
                return new DkimChoice(SignatureSelection.verify(signatures, d -> MessageWork.mayAlign(authors, d), work),
                        ResultSource.SELF);
            }
        }
        return new DkimChoice(List.of(), ResultSource.UNAVAILABLE);
    }

    private static DmarcSummary summary(DmarcEvaluation e) {
        Optional<Policy> policy = e.appliedPolicy().map(AppliedPolicy::policy);
        Optional<Disposition> disposition = e.appliedPolicy().isPresent() ? Optional.of(e.disposition()) : Optional.empty();
        return new DmarcSummary(e.result(), policy, disposition, e.authorDomain(), Optional.empty());
    }

    private CheckOutcome skipped(SkipReason reason, String detail, List<Integer> forged) {
        return new CheckOutcome.Skipped(reason, detail, settings.authservId() + "; none", forged);
    }

    private CheckOutcome refused(HeaderViolation violation, String detail, List<Integer> forged) {
        return refused(violation, detail, forged, BudgetUse.NONE);
    }

    private CheckOutcome refused(HeaderViolation violation, String detail, List<Integer> forged, BudgetUse use) {
        String ar = writer.value(new DmarcSummary(DmarcResult.PERMERROR, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(detail)), Optional.empty(), List.of());
        return new CheckOutcome.Refused(violation, detail, ar, forged, use);
    }

    /** Orders evaluations from the most lenient to the strictest (for several author domains). */
    private enum Strictness {
        PASS, NONE, PERMERROR, TEMPERROR, FAIL_NONE, FAIL_QUARANTINE, FAIL_REJECT;

        static Strictness of(DmarcEvaluation e) {
            return switch (e.result()) {
                case PASS -> PASS;
                case NONE -> NONE;
                case PERMERROR -> PERMERROR;
                case TEMPERROR -> TEMPERROR;
                case FAIL -> switch (e.disposition()) {
                    case NONE -> FAIL_NONE;
                    case QUARANTINE -> FAIL_QUARANTINE;
                    case REJECT -> FAIL_REJECT;
                };
            };
        }
    }
}
