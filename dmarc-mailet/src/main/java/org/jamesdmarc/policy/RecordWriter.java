package org.jamesdmarc.policy;

import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Writes a {@link DmarcRecord} in canonical text form: {@code v=DMARC1} first (RFC 9989 §4.7), then the
 * tags in a fixed order (p, sp, np, psd, t, adkim, aspf, rua, ruf, fo, then the RFC 7489 pct, rf, ri),
 * separated by {@code "; "}, lower-case keywords.
 *
 * <p>A tag is written when its value differs from the default, or when the record says it was written
 * explicitly (its name is in {@link DmarcRecord#tags()}); absent tags stay absent, so a record without
 * {@code p} stays without {@code p}. Parsing the output gives back the same typed values.
 */
public final class RecordWriter {

    private RecordWriter() {
    }

    public static String write(DmarcRecord r) {
        StringJoiner out = new StringJoiner("; ");
        out.add("v=DMARC1");
        r.p().ifPresent(p -> out.add("p=" + p.tagValue()));
        r.sp().ifPresent(p -> out.add("sp=" + p.tagValue()));
        r.np().ifPresent(p -> out.add("np=" + p.tagValue()));
        if (r.psd() != PsdFlag.UNSPECIFIED || r.tags().containsKey("psd")) {
            out.add("psd=" + r.psd().tagValue());
        }
        if (r.testing() || r.tags().containsKey("t")) {
            out.add("t=" + (r.testing() ? "y" : "n"));
        }
        if (r.adkim() != AlignmentMode.RELAXED || r.tags().containsKey("adkim")) {
            out.add("adkim=" + r.adkim().tagValue());
        }
        if (r.aspf() != AlignmentMode.RELAXED || r.tags().containsKey("aspf")) {
            out.add("aspf=" + r.aspf().tagValue());
        }
        if (!r.rua().isEmpty()) {
            out.add("rua=" + uris(r.rua()));
        }
        if (!r.ruf().isEmpty()) {
            out.add("ruf=" + uris(r.ruf()));
        }
        if (!r.fo().isEmpty() && (!r.fo().equals(List.of("0")) || r.tags().containsKey("fo"))) {
            out.add("fo=" + String.join(":", r.fo()));
        }
        r.pct().ifPresent(pct -> out.add("pct=" + pct));
        if (!r.rf().isEmpty()) {
            out.add("rf=" + String.join(":", r.rf()));
        }
        r.ri().ifPresent(ri -> out.add("ri=" + ri));
        return out.toString();
    }

    private static String uris(List<ReportUri> uris) {
        return uris.stream().map(ReportUri::toString).collect(Collectors.joining(","));
    }
}
