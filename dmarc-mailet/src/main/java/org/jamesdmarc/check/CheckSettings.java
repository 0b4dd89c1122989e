package org.jamesdmarc.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.ArcSealers;
import org.jamesdmarc.policy.DiscoveryMode;

/**
 * Everything {@link DmarcChecker} can be told. Each field mirrors an OpenDMARC option (in brackets);
 * {@link CheckSettingsParser} reads them from mailet, SMTP-hook or command-line parameters.
 *
 * @param authservId                  our authserv-id in Authentication-Results (AuthservID)
 * @param trustedAuthservIds          upstream authserv-ids whose SPF/DKIM results we accept (TrustedAuthservIDs)
 * @param ignoreHosts                 clients whose mail is not checked (IgnoreHosts)
 * @param ignoreAuthenticatedClients  do not check mail from SMTP-AUTH clients (IgnoreAuthenticatedClients)
 * @param ignoreMailFrom              author domains not checked (IgnoreMailFrom)
 * @param requiredHeaders             refuse mail without exactly one valid From field (RequiredHeaders)
 * @param rejectMultiValueFrom        refuse mail whose From names several domains (RejectMultiValueFrom)
 * @param spfSelfValidate             run SPF ourselves when no trusted result is present (SPFSelfValidate)
 * @param spfIgnoreResults            ignore upstream SPF results, even trusted ones (SPFIgnoreResults)
 * @param dkimSelfValidate            verify DKIM ourselves when no trusted result is present
 * @param dkimPartialBodyPasses       a signature whose {@code l=} leaves body content unsigned still passes (RFC 6376
 *                                    §3.5); false: it gives {@code policy}, never an aligned pass
 * @param trustedRelays               relays in front of James whose Received/Authentication-Results we read
 * @param trustAuthResultsFromAnyClient  believe trusted Authentication-Results whatever client sent the message and
 *                                    wherever the field stands (OpenDMARC's model); false: only in the slice of the
 *                                    header a trusted relay added, for mail that relay passed on
 * @param dns                         DNS servers, timeout and cache (parameters {@code dnsServers}, {@code dnsTimeout}, ...)
 * @param discovery                   RFC 9989 tree walk or RFC 7489 public suffix list
 * @param publicSuffixList            a PSL file overriding the bundled one (PublicSuffixList)
 * @param legacyPctSampling           honour RFC 7489 {@code pct} (retired by RFC 9989)
 * @param limits                      the DNS work one message may cost (parameters {@code maxDnsQueriesPerMessage},
 *                                    {@code maxTimePerMessage}; no OpenDMARC equivalent)
 */
public record CheckSettings(
        String authservId,
        Set<String> trustedAuthservIds,
        HostList ignoreHosts,
        boolean ignoreAuthenticatedClients,
        Set<DomainName> ignoreMailFrom,
        boolean requiredHeaders,
        boolean rejectMultiValueFrom,
        boolean spfSelfValidate,
        boolean spfIgnoreResults,
        boolean dkimSelfValidate,
        boolean dkimPartialBodyPasses,
        HostList trustedRelays,
        boolean trustAuthResultsFromAnyClient,
        DnsSettings dns,
        DiscoveryMode discovery,
        Optional<Path> publicSuffixList,
        boolean legacyPctSampling,
        MessageLimits limits,
        ArcSealers arcSealers) {

    /**
     * What an administrator should hear about at start-up: settings that switch a protection off or that have no
     * effect as combined.
     */
    public List<String> startupWarnings() {
        List<String> warnings = new ArrayList<>(2);
        if (trustAuthResultsFromAnyClient && !trustedAuthservIds.isEmpty()) {
            warnings.add("trustAuthResultsFromAnyClient=true: Authentication-Results carrying a trusted authserv-id "
                    + trustedAuthservIds + " are believed from ANY client, so a sender that writes such a field itself "
                    + "chooses its own SPF/DKIM results; list the relays in trustedRelays instead");
        }
        if (!trustAuthResultsFromAnyClient && !trustedAuthservIds.isEmpty() && trustedRelays.isEmpty()) {
            warnings.add("trustedAuthservIds " + trustedAuthservIds + " has no effect without trustedRelays: upstream "
                    + "results are believed only from the relays that added them");
        }
        return warnings;
    }

    public CheckSettings {
        Objects.requireNonNull(authservId, "authservId");
        trustedAuthservIds = Set.copyOf(trustedAuthservIds);
        Objects.requireNonNull(ignoreHosts, "ignoreHosts");
        ignoreMailFrom = Set.copyOf(ignoreMailFrom);
        Objects.requireNonNull(trustedRelays, "trustedRelays");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(publicSuffixList, "publicSuffixList");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(arcSealers, "arcSealers");
    }

    /** Settings trusting no ARC sealer. */
    public CheckSettings(String authservId, Set<String> trustedAuthservIds, HostList ignoreHosts,
                         boolean ignoreAuthenticatedClients, Set<DomainName> ignoreMailFrom, boolean requiredHeaders,
                         boolean rejectMultiValueFrom, boolean spfSelfValidate, boolean spfIgnoreResults,
                         boolean dkimSelfValidate, boolean dkimPartialBodyPasses, HostList trustedRelays,
                         boolean trustAuthResultsFromAnyClient, DnsSettings dns, DiscoveryMode discovery,
                         Optional<Path> publicSuffixList, boolean legacyPctSampling, MessageLimits limits) {
        this(authservId, trustedAuthservIds, ignoreHosts, ignoreAuthenticatedClients, ignoreMailFrom, requiredHeaders,
                rejectMultiValueFrom, spfSelfValidate, spfIgnoreResults, dkimSelfValidate, dkimPartialBodyPasses,
                trustedRelays, trustAuthResultsFromAnyClient, dns, discovery, publicSuffixList, legacyPctSampling,
                limits, ArcSealers.NONE);
    }

    /** Settings with the default {@link MessageLimits}. */
    public CheckSettings(String authservId, Set<String> trustedAuthservIds, HostList ignoreHosts,
                         boolean ignoreAuthenticatedClients, Set<DomainName> ignoreMailFrom, boolean requiredHeaders,
                         boolean rejectMultiValueFrom, boolean spfSelfValidate, boolean spfIgnoreResults,
                         boolean dkimSelfValidate, boolean dkimPartialBodyPasses, HostList trustedRelays,
                         boolean trustAuthResultsFromAnyClient, DnsSettings dns, DiscoveryMode discovery,
                         Optional<Path> publicSuffixList, boolean legacyPctSampling) {
        this(authservId, trustedAuthservIds, ignoreHosts, ignoreAuthenticatedClients, ignoreMailFrom, requiredHeaders,
                rejectMultiValueFrom, spfSelfValidate, spfIgnoreResults, dkimSelfValidate, dkimPartialBodyPasses,
                trustedRelays, trustAuthResultsFromAnyClient, dns, discovery, publicSuffixList, legacyPctSampling,
                MessageLimits.defaults());
    }

    /** These settings with other {@link MessageLimits}. */
    public CheckSettings withLimits(MessageLimits newLimits) {
        return new CheckSettings(authservId, trustedAuthservIds, ignoreHosts, ignoreAuthenticatedClients, ignoreMailFrom,
                requiredHeaders, rejectMultiValueFrom, spfSelfValidate, spfIgnoreResults, dkimSelfValidate,
                dkimPartialBodyPasses, trustedRelays, trustAuthResultsFromAnyClient, dns, discovery, publicSuffixList,
                legacyPctSampling, newLimits, arcSealers);
    }

    /** These settings with other trusted ARC sealers. */
    public CheckSettings withArcSealers(ArcSealers sealers) {
        return new CheckSettings(authservId, trustedAuthservIds, ignoreHosts, ignoreAuthenticatedClients, ignoreMailFrom,
                requiredHeaders, rejectMultiValueFrom, spfSelfValidate, spfIgnoreResults, dkimSelfValidate,
                dkimPartialBodyPasses, trustedRelays, trustAuthResultsFromAnyClient, dns, discovery, publicSuffixList,
                legacyPctSampling, limits, sealers);
    }
}
