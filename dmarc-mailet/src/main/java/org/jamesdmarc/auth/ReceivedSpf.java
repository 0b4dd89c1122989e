package org.jamesdmarc.auth;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed Received-SPF field (RFC 7208 §9.1): the result and the key-value pairs, keys lower-case,
 * values as written (quoted-strings unquoted).
 */
public record ReceivedSpf(SpfResult result, Map<String, String> keys) {

    public ReceivedSpf {
        Objects.requireNonNull(result, "result");
        keys = Map.copyOf(keys);
    }

    public Optional<String> key(String name) {
        return Optional.ofNullable(keys.get(name.toLowerCase(Locale.ROOT)));
    }

    /** RFC 7208 §9.1 identity: "mailfrom", "helo" or another name. */
    public Optional<String> identity() {
        return key("identity").map(s -> s.toLowerCase(Locale.ROOT));
    }

    public Optional<String> envelopeFrom() {
        return key("envelope-from");
    }

    public Optional<String> helo() {
        return key("helo");
    }

    public Optional<String> clientIp() {
        return key("client-ip");
    }

    public Optional<String> receiver() {
        return key("receiver");
    }
}
