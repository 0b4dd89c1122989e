package org.jamesdmarc.check;

import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcRecord;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;
import org.jamesdmarc.policy.ReportUri;
import org.jamesdmarc.policy.SpfAlignment;

/**
 * One evaluated message as the evaluation history keeps it: everything an RFC 9990 aggregate report (§2.1 and
 * its XML schema: {@code policy_published}, {@code row}, {@code identifiers}, {@code auth_results}) and the
 * dashboard need, and nothing of the message itself. Immutable; built by {@link #of} from a
 * {@link CheckOutcome.Evaluated} and what the adapter knows (the envelope, the action taken).
 *
 * @param key              the idempotency key: one message, one record, whatever its recipients
 * @param time             when the message was evaluated (millisecond precision, as stored)
 * @param sourceIp         the client judged (behind a trusted relay: the original client)
 * @param headerFrom       the Author Domain (RFC 9990 {@code header_from}); empty when the From field named no
 *                         domain name (a permerror)
 * @param envelopeFrom     the domain of the envelope sender; empty for the null reverse-path or no domain
 * @param envelopeTo       the recipients' domains, distinct and sorted
 * @param policyDomain     where the applied record was published, when one was found
 * @param discoveryMode    how the policy was looked for: DNS Tree Walk or Public Suffix List
 * @param policyDomainRole Author, Organizational or Public Suffix Domain, when a record was found
 * @param published        the applied record's tags, when a record was found
 * @param result           the DMARC result
 * @param appliedPolicy    which tag applied and its policy, when a usable record was found
 * @param disposition      the disposition DMARC asked for (RFC 9990 {@code disposition})
 * @param action           what we actually did
 * @param overrides        why the disposition is below the applied policy (our enum; mapped per report format)
 * @param spf              the SPF result and its alignment
 * @param dkim             each DKIM signature evaluated, in message order
 * @param arcSealer        the trusted ARC sealer whose override lowered the disposition (RFC 8617 §7.2), when one did:
 *                         the aggregate report's override comment names it
 */
public record EvaluationRecord(
        MessageKey key,
        Instant time,
        InetAddress sourceIp,
        Optional<DomainName> headerFrom,
        Optional<DomainName> envelopeFrom,
        List<DomainName> envelopeTo,
        Optional<DomainName> policyDomain,
        DiscoveryMode discoveryMode,
        Optional<PolicyDomainRole> policyDomainRole,
        Optional<PublishedPolicy> published,
        DmarcResult result,
        Optional<AppliedPolicy> appliedPolicy,
        Disposition disposition,
        ActionTaken action,
        List<PolicyOverride> overrides,
        Spf spf,
        List<Dkim> dkim,
        Optional<ArcSealer> arcSealer) {

    public EvaluationRecord {
        Objects.requireNonNull(key, "key");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        // Distinct and sorted by name (DomainName orders and compares by its name); no second parse.
        envelopeTo = List.copyOf(new TreeSet<>(envelopeTo));
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(discoveryMode, "discoveryMode");
        Objects.requireNonNull(policyDomainRole, "policyDomainRole");
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(appliedPolicy, "appliedPolicy");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(action, "action");
        overrides = List.copyOf(overrides);
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(arcSealer, "arcSealer");
    }

    /** A record without an ARC override (what every record was before the sealer was kept). */
    public EvaluationRecord(MessageKey key, Instant time, InetAddress sourceIp, Optional<DomainName> headerFrom,
                            Optional<DomainName> envelopeFrom, List<DomainName> envelopeTo,
                            Optional<DomainName> policyDomain, DiscoveryMode discoveryMode,
                            Optional<PolicyDomainRole> policyDomainRole, Optional<PublishedPolicy> published,
                            DmarcResult result, Optional<AppliedPolicy> appliedPolicy, Disposition disposition,
                            ActionTaken action, List<PolicyOverride> overrides, Spf spf, List<Dkim> dkim) {
        this(key, time, sourceIp, headerFrom, envelopeFrom, envelopeTo, policyDomain, discoveryMode, policyDomainRole,
                published, result, appliedPolicy, disposition, action, overrides, spf, dkim, Optional.empty());
    }

    /**
     * The record of a checked message, or empty when DMARC was not evaluated ({@link CheckOutcome.Skipped}: an
     * authenticated or ignored client; {@link CheckOutcome.Refused}: a From field that cannot be evaluated).
     * Such messages have no DMARC result to report (RFC 9990 §2.1 reports evaluated messages only).
     *
     * @param key          the message's key ({@link MessageKey#of})
     * @param time         when it was evaluated
     * @param outcome      what {@link DmarcChecker#check} returned
     * @param envelopeFrom the envelope sender as given in MAIL FROM (empty: the null reverse-path)
     * @param envelopeTo   the recipients (RCPT TO mailboxes); only their domains are kept
     * @param action       what was done with the message
     */
    public static Optional<EvaluationRecord> of(MessageKey key, Instant time, CheckOutcome outcome,
                                                Optional<String> envelopeFrom, Collection<String> envelopeTo,
                                                ActionTaken action) {
        Objects.requireNonNull(outcome, "outcome");
        if (!(outcome instanceof CheckOutcome.Evaluated evaluated)) {
            return Optional.empty();
        }
        DmarcEvaluation e = evaluated.evaluation();
        return Optional.of(new EvaluationRecord(
                key,
                time,
                evaluated.client().address(),
                e.authorDomain(),
                envelopeFrom.flatMap(EvaluationRecord::domainOf),
                envelopeTo.stream().map(EvaluationRecord::domainOf).flatMap(Optional::stream).toList(),
                e.policyDomain(),
                e.discovery().mode(),
                e.discovery().found() ? e.discovery().policyDomainRole() : Optional.empty(),
                e.discovery().found() ? e.discovery().record().map(PublishedPolicy::of) : Optional.empty(),
                e.result(),
                e.appliedPolicy(),
                e.disposition(),
                action,
                e.overrides(),
                Spf.of(e.spf()),
                e.dkim().stream().map(Dkim::of).toList(),
                evaluated.arcOverride().map(d -> new ArcSealer(d.sealer(), d.instance()))));
    }

    /**
     * This record with {@code newAction} as what was done: the check records a placeholder, and the mailet that
     * knows the outcome (delivered, quarantined, tagged) sets it.
     */
    public EvaluationRecord withAction(ActionTaken newAction) {
        return new EvaluationRecord(key, time, sourceIp, headerFrom, envelopeFrom, envelopeTo, policyDomain,
                discoveryMode, policyDomainRole, published, result, appliedPolicy, disposition, newAction, overrides,
                spf, dkim, arcSealer);
    }

    /** The domain of a mailbox {@code local@domain} (angle brackets allowed), when it is a domain name. */
    static Optional<DomainName> domainOf(String mailbox) {
        String s = mailbox.strip();
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        int at = s.lastIndexOf('@');
        return at < 0 ? Optional.empty() : DomainName.parse(s.substring(at + 1));
    }

    /**
     * The SPF result DMARC used (RFC 9990 {@code spf} auth result: domain, scope, result) and its alignment.
     *
     * @param domain    the domain checked; empty when there was no usable identity
     */
    public record Spf(Optional<DomainName> domain, SpfScope scope, SpfResult result, AlignmentStatus alignment) {
        public Spf {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(alignment, "alignment");
        }

        static Spf of(SpfAlignment a) {
            return new Spf(a.outcome().domain(), a.outcome().scope(), a.outcome().result(), a.alignment());
        }
    }

    /**
     * The trusted ARC sealer behind an override (RFC 8617 §7.2): the {@code d=} of the ARC-Seal of the latest set,
     * whose recorded results earned {@code trusted_forwarder} or {@code mailing_list}.
     *
     * @param domain   the sealer's domain
     * @param instance the instance ({@code i=}) of its set, 1..50
     */
    public record ArcSealer(DomainName domain, int instance) {
        public ArcSealer {
            Objects.requireNonNull(domain, "domain");
            if (instance < 1 || instance > 50) {
                // RFC 8617 §4.2.1: instances are 1..50.
                throw new IllegalArgumentException("ARC instance out of range: " + instance);
            }
        }

        /**
         * The override's comment in aggregate reports (RFC 9990 PolicyOverrideReason {@code comment}), e.g.
         * {@code arc=pass as=2 d=lists.example.org}: the chain passed, the seal of instance 2, by that domain.
         */
        public String comment() {
            return "arc=pass as=" + instance + " d=" + domain.name();
        }
    }

    /**
     * One DKIM signature (RFC 9990 {@code dkim} auth result: domain, selector, result) and its alignment.
     *
     * @param domain   the signature's {@code d=}; empty when absent or not a domain name
     * @param selector its {@code s=} as written (may be empty)
     */
    public record Dkim(Optional<DomainName> domain, String selector, DkimResult result, AlignmentStatus alignment) {
        public Dkim {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(alignment, "alignment");
        }

        static Dkim of(DkimAlignment a) {
            return new Dkim(a.outcome().domain(), a.outcome().selector(), a.outcome().result(), a.alignment());
        }
    }

    /**
     * The published policy of the applied record (RFC 9990 {@code policy_published}, plus the report URIs and
     * the legacy RFC 7489 {@code pct}). A tag absent or discarded is empty; the defaults are applied to psd, t,
     * adkim, aspf.
     *
     * @param fo  the {@code fo} options as written ({@code 0}, {@code 1}, {@code d}, {@code s})
     * @param rua the aggregate report URIs as published, with the RFC 7489 size suffix ({@code !10m}) when one
     *            was given: report delivery honours it
     * @param ruf the failure report URIs
     */
    public record PublishedPolicy(Optional<Policy> p, Optional<Policy> sp, Optional<Policy> np, PsdFlag psd,
                                  boolean testing, AlignmentMode adkim, AlignmentMode aspf, List<String> fo,
                                  List<String> rua, List<String> ruf, OptionalInt pct) {
        public PublishedPolicy {
            Objects.requireNonNull(p, "p");
            Objects.requireNonNull(sp, "sp");
            Objects.requireNonNull(np, "np");
            Objects.requireNonNull(psd, "psd");
            Objects.requireNonNull(adkim, "adkim");
            Objects.requireNonNull(aspf, "aspf");
            fo = List.copyOf(fo);
            rua = List.copyOf(rua);
            ruf = List.copyOf(ruf);
            Objects.requireNonNull(pct, "pct");
        }

        /** The tags of {@code record}. */
        public static PublishedPolicy of(DmarcRecord record) {
            return new PublishedPolicy(record.p(), record.sp(), record.np(), record.psd(), record.testing(),
                    record.adkim(), record.aspf(), record.fo(),
                    // The size limit kept: reports larger than it are not sent (RFC 7489 §6.2, "!" size).
                    record.rua().stream().map(ReportUri::toString).toList(),
                    record.ruf().stream().map(ReportUri::uri).toList(),
                    record.pct());
        }
    }
}
