package org.jamesdmarc.mail;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One resinfo of an Authentication-Results field (RFC 8601 §2.2): method (lower-case, e.g. "dkim"),
 * optional method version ("1" in {@code dkim/1=pass}), result keyword (lower-case), optional reason
 * (RFC 8601 §2.2 reasonspec, unquoted), and the properties in field order.
 */
public record MethodResult(String method, Optional<String> version, String result, Optional<String> reason,
        List<Property> properties) {

    public MethodResult {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(reason, "reason");
        properties = List.copyOf(properties);
    }

    /** All properties {@code ptype.name} (both compared lower-case), in field order. */
    public List<Property> properties(String ptype, String name) {
        return properties.stream().filter(p -> p.is(ptype, name)).toList();
    }

    /** The property {@code ptype.name} when it occurs exactly once; empty when absent or repeated. */
    public Optional<Property> single(String ptype, String name) {
        List<Property> found = properties(ptype, name);
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }
}
