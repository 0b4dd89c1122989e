package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The record parser the discovery tests use: the real {@link RecordParser} once it is implemented;
 * until then a minimal stand-in that reads the tags these tests publish (v, p, sp, np, psd, t,
 * adkim, aspf, rua, pct). The stand-in is test scaffolding only.
 */
final class TestParsers {

    static final Function<String, RecordParseResult> PARSER = choose();

    private TestParsers() {
    }

    private static Function<String, RecordParseResult> choose() {
        try {
            RecordParser.parse("v=DMARC1; p=none");
            return RecordParser::parse;
        } catch (UnsupportedOperationException e) {
            return TestParsers::minimal;
        }
    }

    static RecordParseResult minimal(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return new RecordParseResult.Invalid(new RecordSyntaxError(RecordSyntaxError.Kind.EMPTY, "empty"));
        }
        String[] parts = s.split(";");
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (i == 0) {
                    return invalid(RecordSyntaxError.Kind.NOT_DMARC1);
                }
                return invalid(RecordSyntaxError.Kind.MALFORMED);
            }
            String name = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).strip();
            if (i == 0 && !(name.equals("v") && value.equals("DMARC1"))) {
                return invalid(RecordSyntaxError.Kind.NOT_DMARC1);
            }
            tags.putIfAbsent(name, value);
        }
        Optional<Policy> p = Optional.ofNullable(tags.get("p")).flatMap(Policy::fromTagValue);
        Optional<Policy> sp = Optional.ofNullable(tags.get("sp")).flatMap(Policy::fromTagValue);
        Optional<Policy> np = Optional.ofNullable(tags.get("np")).flatMap(Policy::fromTagValue);
        PsdFlag psd = Optional.ofNullable(tags.get("psd")).flatMap(PsdFlag::fromTagValue).orElse(PsdFlag.UNSPECIFIED);
        boolean t = "y".equalsIgnoreCase(tags.get("t"));
        AlignmentMode adkim = Optional.ofNullable(tags.get("adkim")).flatMap(AlignmentMode::fromTagValue)
                .orElse(AlignmentMode.RELAXED);
        AlignmentMode aspf = Optional.ofNullable(tags.get("aspf")).flatMap(AlignmentMode::fromTagValue)
                .orElse(AlignmentMode.RELAXED);
        List<ReportUri> rua = new ArrayList<>();
        if (tags.containsKey("rua")) {
            for (String u : tags.get("rua").split(",")) {
                if (u.strip().startsWith("mailto:")) {
                    rua.add(ReportUri.of(u.strip()));
                }
            }
        }
        OptionalInt pct = OptionalInt.empty();
        if (tags.containsKey("pct")) {
            try {
                int v = Integer.parseInt(tags.get("pct"));
                if (v >= 0 && v <= 100) {
                    pct = OptionalInt.of(v);
                }
            } catch (NumberFormatException ignored) {
                // invalid: discarded
            }
        }
        DmarcRecord r = new DmarcRecord(p, sp, np, psd, t, adkim, aspf, rua, List.of(), List.of("0"), pct,
                List.of(), OptionalLong.empty(), tags);
        return new RecordParseResult.Valid(r, List.of());
    }

    private static RecordParseResult invalid(RecordSyntaxError.Kind kind) {
        return new RecordParseResult.Invalid(new RecordSyntaxError(kind, kind.name()));
    }
}
