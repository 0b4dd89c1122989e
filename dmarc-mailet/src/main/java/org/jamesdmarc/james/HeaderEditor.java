package org.jamesdmarc.james;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * Rewrites a message's header: drops the Authentication-Results fields found forged and puts new
 * fields at the very top (RFC 8601 §5: a receiver adds its Authentication-Results field at the top,
 * above the fields already there). The other fields keep their order and raw form.
 */
final class HeaderEditor {

    static final String AUTHENTICATION_RESULTS = "Authentication-Results";
    /** Fields × distinct names above which the header is not reordered (see {@link #apply}). */
    static final long MAX_REWRITE_WORK = 1_000_000;

    /** One field to prepend. */
    record Field(String name, String value) {
    }

    private HeaderEditor() {
    }

    /**
     * @param forgedIndexes 0-based indexes among the Authentication-Results fields (in header order) to remove
     * @param prepend       fields to put at the top, in this order; for a header whose rewrite would cost more
     *                      than {@link #MAX_REWRITE_WORK} (fields × distinct names, e.g. 20 000 distinct names),
     *                      they go at the end, above the kept Authentication-Results fields, which follow them
     */
    static void apply(MimeMessage message, List<Integer> forgedIndexes, List<Field> prepend) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>(lines.size());
        Set<Integer> forgedSet = new HashSet<>(forgedIndexes);
        int arIndex = 0;
        for (String line : lines) {
            String name = fieldName(line);
            names.add(name);
            // Count as the checker does (HeaderSection): a line without a colon is not a field.
            if (line.indexOf(':') > 0 && name.equalsIgnoreCase(AUTHENTICATION_RESULTS)) {
                boolean forged = forgedSet.contains(arIndex);
                arIndex++;
                if (forged) {
                    continue;
                }
            }
            kept.add(line);
        }
        if ((long) names.size() * lines.size() > MAX_REWRITE_WORK) {
            // javax.mail's removeHeader scans every field once per call, so moving a header of thousands of
            // distinct field names below ours is quadratic: minutes of a spooler thread for one hostile message.
            // Then only the Authentication-Results fields are rewritten: ours first, above the kept ones.
            message.removeHeader(AUTHENTICATION_RESULTS);
            for (Field f : prepend) {
                message.addHeaderLine(line(f));
            }
            for (String line : kept) {
                if (fieldName(line).equalsIgnoreCase(AUTHENTICATION_RESULTS)) {
                    message.addHeaderLine(line);
                }
            }
            return;
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (Field f : prepend) {
            message.addHeaderLine(line(f));
        }
        for (String line : kept) {
            message.addHeaderLine(line);
        }
    }

    /**
     * Puts {@code lines} (complete raw fields, folded as they must stay: a signature covers them) at the very top,
     * the other fields after them in their order and raw form. For a header whose rewrite would cost more than
     * {@link #MAX_REWRITE_WORK} they go at the end instead.
     */
    static void prependRaw(MimeMessage message, List<String> lines) throws MessagingException {
        List<String> kept = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        for (String line : kept) {
            names.add(fieldName(line));
        }
        if ((long) names.size() * kept.size() > MAX_REWRITE_WORK) {
            for (String line : lines) {
                message.addHeaderLine(line);
            }
            return;
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (String line : lines) {
            message.addHeaderLine(line);
        }
        for (String line : kept) {
            message.addHeaderLine(line);
        }
    }

    /** The raw field line, folded; CR and LF in the value cannot split it into several fields. */
    static String line(Field f) {
        String value = f.value().replaceAll("[\\r\\n]+[ \\t]*", " ").strip();
        String prefix = f.name() + ": ";
        return prefix + MimeUtility.fold(prefix.length(), value);
    }

    /** The name as javax.mail's InternetHeader has it (trimmed of everything up to U+0020), so removeHeader finds it. */
    private static String fieldName(String line) {
        int colon = line.indexOf(':');
        return (colon < 0 ? line : line.substring(0, colon)).trim();
    }
}
