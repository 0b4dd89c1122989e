package org.jamesdmarc.reporting.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small element read whole from a report (one {@code <record>}, the metadata, the policy): its local name, its
 * text (stripped) and its children in our namespaces. Bounded by the reader: children per element, depth, text.
 */
record XmlElement(String name, String text, List<XmlElement> children) {

    /** The first child named {@code name}. */
    Optional<XmlElement> child(String name) {
        for (XmlElement c : children) {
            if (c.name.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Every child named {@code name}. */
    List<XmlElement> all(String name) {
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement c : children) {
            if (c.name.equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The text of the first child named {@code name}, when present and not empty. */
    Optional<String> text(String name) {
        return child(name).map(XmlElement::text).filter(t -> !t.isEmpty());
    }
}
