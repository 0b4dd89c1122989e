package org.jamesdmarc.reporting.failure;

import java.util.Locale;

/** The ARF {@code Delivery-Result} values (RFC 6591 §3.1): what the receiver did with the message. */
public enum DeliveryResult {
    DELIVERED, SPAM, POLICY, REJECT, OTHER;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
