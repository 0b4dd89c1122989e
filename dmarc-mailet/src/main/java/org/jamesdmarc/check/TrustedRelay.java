package org.jamesdmarc.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.mail.OriginalClient;
import org.jamesdmarc.mail.ReceivedHeaderParser;
import org.jamesdmarc.mail.ReceivedParseResult;
import org.jamesdmarc.mail.RelayedClient;

/**
 * A relay in front of James (typically a Postfix MX): DMARC must judge the client that relay talked to,
 * not the relay. That client is read from the Received fields the relay (and James) added.
 */
final class TrustedRelay {

    private TrustedRelay() {
    }

    /**
     * The client to judge: the SMTP client, unless it is a trusted relay, in which case the first client
     * below the trusted hops in the Received fields. When those fields cannot be read, the SMTP client is
     * judged (SPF then usually fails for the relay's address: safe, and visible in Authentication-Results).
     */
    static ClientIdentity originalClient(MessageContext context, HeaderSection header, HostList trustedRelays) {
        if (!trustedRelays.containsAddress(context.clientAddress())) {
            return new ClientIdentity(context.clientAddress(), context.helo(), false);
        }
        OriginalClient result = ReceivedHeaderParser.originalClient(header.fields(), trustedRelays.networks(),
                ReceivedHeaderParser.DEFAULT_MAX_HOPS);
        if (result instanceof OriginalClient.Found found) {
            return new ClientIdentity(found.client().ip(), found.client().helo(), true);
        }
        return new ClientIdentity(context.clientAddress(), context.helo(), false);
    }

    /**
     * True when the SMTP client is a trusted relay but its Received fields cannot be read (malformed, no or
     * several address literals, a relay writing another format), so the relay itself stands for the client.
     * The relay's address then says nothing about where the mail came from, so it must not make the mail
     * skip the check through ignoreHosts. False when every hop is a trusted relay
     * (mail that started on the relay's host).
     */
    static boolean originalClientUnreadable(MessageContext context, HeaderSection header, HostList trustedRelays) {
        if (!trustedRelays.containsAddress(context.clientAddress())) {
            return false;
        }
        OriginalClient result = ReceivedHeaderParser.originalClient(header.fields(), trustedRelays.networks(),
                ReceivedHeaderParser.DEFAULT_MAX_HOPS);
        return result instanceof OriginalClient.Unreadable
                || result instanceof OriginalClient.NotFound nf && nf.reason() == OriginalClient.Reason.NO_RECEIVED;
    }

    /**
     * The header fields the relay that talked to the original client added together with its Received field:
     * those between that Received field and the Received field above it (or the top of the header). Postfix
     * writes a policy service's PREPEND (policyd-spf's Received-SPF) right above its own Received field.
     * Everything from that Received field down was written by the original client or earlier hops, so a
     * Received-SPF there is the sender's word (CVE-2019-20790), even when it is the topmost Received-SPF of
     * the message. Empty when the original client cannot be found (the same walk as {@link #originalClient}).
     */
    static List<HeaderField> addedWithOriginalClientReceived(HeaderSection header, HostList trustedRelays) {
        return relayHop(header, trustedRelays).map(hop -> header.fields().subList(hop.above() + 1, hop.received()))
                .orElse(List.of());
    }

    /**
     * The fields the relay that talked to the original client added: those of
     * {@link #addedWithOriginalClientReceived} (prepended above its Received field), plus the Authentication-Results
     * fields right below that Received field, where a milter inserting at index 1 (OpenDMARC, OpenDKIM) puts its
     * results. Anything further down, or below another kind of field, the sender wrote. Empty when the original
     * client cannot be found.
     */
    static List<HeaderField> addedByRelayOfOriginalClient(HeaderSection header, HostList trustedRelays) {
        Optional<Hop> hop = relayHop(header, trustedRelays);
        if (hop.isEmpty()) {
            return List.of();
        }
        List<HeaderField> fields = header.fields();
        List<HeaderField> added = new ArrayList<>(fields.subList(hop.get().above() + 1, hop.get().received()));
        for (int i = hop.get().received() + 1; i < fields.size() && fields.get(i).hasName("Authentication-Results"); i++) {
            added.add(fields.get(i));
        }
        return added;
    }

    /** Indexes (into the header's fields) of the original client's Received field and of the Received field above it. */
    private record Hop(int above, int received) {
    }

    private static Optional<Hop> relayHop(HeaderSection header, HostList trustedRelays) {
        List<HeaderField> headers = header.fields();
        int above = -1;
        int hops = 0;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.get(i).hasName("Received")) {
                continue;
            }
            if (hops >= ReceivedHeaderParser.DEFAULT_MAX_HOPS) {
                return Optional.empty();
            }
            if (!(ReceivedHeaderParser.parse(headers.get(i).value()) instanceof ReceivedParseResult.Parsed found)) {
                return Optional.empty();
            }
            RelayedClient client = found.client();
            if (!trustedRelays.networks().contains(client.ip())) {
                return Optional.of(new Hop(above, i));
            }
            above = i;
            hops++;
        }
        return Optional.empty();
    }
}
