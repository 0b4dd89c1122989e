package org.jamesdmarc.mail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds Authentication-Results fields that claim our own authserv-id. RFC 8601 §5: such fields arriving
 * from outside are forgeries and a receiver must remove (or rename) them before adding its own, or a
 * sender could inject "our" results (Chen et al. 2020). A field whose authserv-id cannot be read but which
 * mentions our id anywhere is removed too: a lenient downstream reader might still see it as ours.
 * Works on the plain {@link HeaderField} list so James adapters can apply it to a MimeMessage.
 */
public final class OwnAuthResultsRemover {

    private final String ownId;

    public OwnAuthResultsRemover(String ownAuthservId) {
        Objects.requireNonNull(ownAuthservId, "ownAuthservId");
        String id = canonical(ownAuthservId);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("own authserv-id must not be blank");
        }
        this.ownId = id;
    }

    private static final String AUTHENTICATION_RESULTS = "Authentication-Results";

    /**
     * Sorts the Authentication-Results fields of a whole header section (see {@link AuthResultsFields}).
     * javax.mail trims a field name of anything up to U+0020, so the obsolete {@code "Authentication-Results :"}
     * (RFC 5322 §4.5) is one of them and may be forged; but results are believed only from fields written the
     * canonical way: a trusted relay that strips forgeries of its own id by exact name would let
     * {@code "Authentication-Results :"} or a NUL-suffixed name through.
     */
    public AuthResultsFields scan(HeaderSection header) {
        return scan(header.fields());
    }

    /** As {@link #scan(HeaderSection)} for fields already read (javax.mail's reading, in order). */
    public AuthResultsFields scan(List<HeaderField> header) {
        List<HeaderField> all = header.stream()
                .filter(f -> f.name().trim().equalsIgnoreCase(AUTHENTICATION_RESULTS)).toList();
        List<Integer> forged = indexesToRemove(all.stream()
                .map(f -> new HeaderField(AUTHENTICATION_RESULTS, f.value())).toList());
        Set<Integer> forgedSet = new HashSet<>(forged);
        List<HeaderField> believable = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            HeaderField f = all.get(i);
            if (!forgedSet.contains(i) && f.name().equalsIgnoreCase(AUTHENTICATION_RESULTS)) {
                believable.add(f);
            }
        }
        return new AuthResultsFields(all, forged, believable);
    }

    /** Indexes into {@code fields} (ascending) of the fields to remove. */
    public List<Integer> indexesToRemove(List<HeaderField> fields) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            HeaderField f = fields.get(i);
            if (f.hasName("Authentication-Results") && claimsOurId(f.value())) {
                out.add(i);
            }
        }
        return out;
    }

    /** {@code fields} without the ones to remove, order kept. */
    public List<HeaderField> retained(List<HeaderField> fields) {
        List<Integer> drop = indexesToRemove(fields);
        List<HeaderField> out = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            if (!drop.contains(i)) {
                out.add(fields.get(i));
            }
        }
        return out;
    }

    /** True when an Authentication-Results value carries our authserv-id (RFC 8601 §2.5: case-insensitive). */
    public boolean claimsOurId(String value) {
        Optional<String> id = AuthenticationResultsParser.authservId(value);
        if (id.isPresent() && canonical(id.get()).equals(ownId)) {
            return true;
        }
        if (AuthenticationResultsParser.parse(value).isParsed()) {
            return false;
        }
        // Malformed: be conservative, remove when our id appears anywhere in it.
        return value != null && value.toLowerCase(Locale.ROOT).contains(ownId);
    }

    private static String canonical(String id) {
        String s = id.strip().toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
