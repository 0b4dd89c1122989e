package org.jamesdmarc.store.opendmarc;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of an OpenDMARC history file, decoded.
 *
 * @param line           the line number of its {@code job} line (1-based)
 * @param jobId          {@code job}: the MTA's queue id ({@code (unknown-jobid)} when the MTA gave none)
 * @param reporter       {@code reporter}: the host name of the OpenDMARC instance
 * @param received       {@code received}: when OpenDMARC evaluated it (epoch seconds in the file)
 * @param clientIp       {@code ipaddr}: the connecting client's address (an IPv4-mapped IPv6 one as IPv4)
 * @param headerFrom     {@code from}: the RFC5322.From domain (empty if none)
 * @param envelopeFrom   {@code mfrom}: the envelope sender's domain (empty for the null sender)
 * @param spf            {@code spf}: the SPF result OpenDMARC used (the last {@code spf} line of the entry)
 * @param policyDomain   {@code pdomain}: the domain whose record was applied
 * @param policy         {@code policy}: the library's conclusion
 * @param rua            {@code rua}: the record's aggregate-report URIs ({@code rua -} means none: empty list)
 * @param pct            {@code pct}
 * @param adkim          {@code adkim}
 * @param aspf           {@code aspf}
 * @param p              {@code p}
 * @param sp             {@code sp}
 * @param dkimAlignment  {@code align_dkim}
 * @param spfAlignment   {@code align_spf}
 * @param dkim           one per {@code dkim} line, in file order
 * @param arc            {@code arc}: the ARC chain's validation result, empty in files of OpenDMARC before 1.4
 * @param arcPolicy      the number on the {@code arc_policy} line
 * @param arcHops        the JSON list on the {@code arc_policy} line, decoded (empty if it was not valid JSON)
 * @param action         {@code action}
 * @param unknownLines   lines of a type this reader does not know, kept as they were
 */
public record HistoryEntry(long line, String jobId, String reporter, Instant received, InetAddress clientIp,
        String headerFrom, String envelopeFrom, AuthResultCode spf, String policyDomain, PolicyOutcome policy,
        List<String> rua, int pct, AlignmentMode adkim, AlignmentMode aspf, RequestedPolicy p, RequestedPolicy sp,
        AlignmentOutcome dkimAlignment, AlignmentOutcome spfAlignment, List<DkimSignature> dkim,
        Optional<AuthResultCode> arc, ArcPolicyResult arcPolicy, List<ArcHop> arcHops, MilterAction action,
        List<UnknownLine> unknownLines) {

    public HistoryEntry {
        Objects.requireNonNull(jobId);
        Objects.requireNonNull(reporter);
        Objects.requireNonNull(received);
        Objects.requireNonNull(clientIp);
        Objects.requireNonNull(headerFrom);
        Objects.requireNonNull(envelopeFrom);
        Objects.requireNonNull(spf);
        Objects.requireNonNull(policyDomain);
        Objects.requireNonNull(policy);
        rua = List.copyOf(rua);
        Objects.requireNonNull(adkim);
        Objects.requireNonNull(aspf);
        Objects.requireNonNull(p);
        Objects.requireNonNull(sp);
        Objects.requireNonNull(dkimAlignment);
        Objects.requireNonNull(spfAlignment);
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(arc);
        Objects.requireNonNull(arcPolicy);
        arcHops = List.copyOf(arcHops);
        Objects.requireNonNull(action);
        unknownLines = List.copyOf(unknownLines);
    }

    /**
     * A {@code dkim domain selector result} line: one DKIM result OpenDMARC read from an Authentication-Results
     * field.
     *
     * @param selector empty when OpenDMARC wrote {@code -} (no selector in the field)
     */
    public record DkimSignature(String domain, Optional<String> selector, AuthResultCode result) {
        public DkimSignature {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(selector);
            Objects.requireNonNull(result);
        }
    }

    /**
     * One element of the {@code arc_policy} JSON list: an ARC set's instance, its ARC-Seal's {@code d=} and
     * {@code s=}, and the client IP its ARC-Authentication-Results recorded (fields OpenDMARC left out are empty).
     */
    public record ArcHop(int instance, String domain, String selector, String clientIp) {
        public ArcHop {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(selector);
            Objects.requireNonNull(clientIp);
        }
    }

    /** A line of a type OpenDMARC 1.4.2 does not write, with its number, kept for whoever wants it. */
    public record UnknownLine(long line, String key, String value) {
        public UnknownLine {
            Objects.requireNonNull(key);
            Objects.requireNonNull(value);
        }
    }
}
