package org.jamesdmarc.check;

import java.util.List;

import org.jamesdmarc.auth.HeaderField;
import org.jamesdmarc.auth.ReceivedHeaderParser;
import org.jamesdmarc.auth.ReceivedParseResult;

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
    static ClientIdentity originalClient(MessageContext context, List<HeaderField> headers, HostList trustedRelays) {
        if (!trustedRelays.containsAddress(context.clientAddress())) {
            return new ClientIdentity(context.clientAddress(), context.helo(), false);
        }
        ReceivedParseResult result = ReceivedHeaderParser.originalClient(headers, trustedRelays.networks(),
                ReceivedHeaderParser.DEFAULT_MAX_HOPS);
        if (result instanceof ReceivedParseResult.Found found) {
            return new ClientIdentity(found.client().ip(), found.client().helo(), true);
        }
        return new ClientIdentity(context.clientAddress(), context.helo(), false);
    }
}
