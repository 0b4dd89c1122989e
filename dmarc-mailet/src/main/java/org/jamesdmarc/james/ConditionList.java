package org.jamesdmarc.james;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.mail.MessagingException;

/** A matcher condition: a comma list of values, each one of {@code allowed} (case-insensitive). */
final class ConditionList {

    private ConditionList() {
    }

    static Set<String> parse(String matcher, String condition, List<String> allowed) throws MessagingException {
        Set<String> values = new LinkedHashSet<>();
        if (condition != null) {
            for (String item : condition.split(",")) {
                String v = item.strip().toLowerCase(Locale.ROOT);
                if (v.isEmpty()) {
                    continue;
                }
                if (!allowed.contains(v)) {
                    throw new MessagingException(matcher + ": '" + item.strip() + "' is not one of "
                            + String.join(", ", allowed));
                }
                values.add(v);
            }
        }
        return values;
    }
}
