package org.jamesdmarc.mail;

import java.util.List;

/**
 * The Authentication-Results fields of one header section, sorted for a receiver with authserv-id X:
 * {@code all} as javax.mail (and so James and the mailet that removes forgeries) reads them, in order;
 * {@code forged} the indexes into {@code all} of the fields that claim X (RFC 8601 §5: forgeries, to be
 * removed); {@code believable} the others that are written the canonical way ({@code Authentication-Results:}
 * exactly), the only ones whose results a trusted upstream may have vouched for.
 */
public record AuthResultsFields(List<HeaderField> all, List<Integer> forged, List<HeaderField> believable) {

    public AuthResultsFields {
        all = List.copyOf(all);
        forged = List.copyOf(forged);
        believable = List.copyOf(believable);
    }
}
