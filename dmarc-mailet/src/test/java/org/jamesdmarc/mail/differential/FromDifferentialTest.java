package org.jamesdmarc.mail.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.jamesdmarc.mail.AuthorDomainResult;
import org.jamesdmarc.mail.FromHeaderParser;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzz test of the author we read (the principle of the {@code mail} package): for every generated
 * header section, wherever an independent reader (mime4j, javax.mail strict and lenient, Python's {@code email},
 * two npm parsers) shows an author address in a domain other than the ones we evaluate, our verdict must be
 * "refused" (no usable author). A fixed seed and a bounded count run in CI; a longer run:
 * {@code mvn -o -pl dmarc-mailet test -Dtest=FromDifferentialTest -Ddifferential.count=200000 -Ddifferential.seed=7}.
 */
class FromDifferentialTest {

    private static final int COUNT = Integer.getInteger("differential.count", 3000);
    private static final long SEED = Long.getLong("differential.seed", 20261201L);

    @BeforeAll
    static void toolsPresent() {
        String missing = OtherFromReaders.missingTools();
        if (missing != null) {
            MissingTool.unavailable(missing);
        }
    }

    @Test
    void wheneverAnotherReaderShowsAnotherDomainWeRefuse() throws Exception {
        List<FromCorpus.Section> corpus = new FromCorpus(SEED).sections(COUNT);
        List<String> sections = corpus.stream().map(FromCorpus.Section::text).toList();
        List<byte[]> bytes = sections.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
        Map<String, List<List<String>>> others = OtherFromReaders.read(bytes);

        List<String> violations = new ArrayList<>();
        List<String> refusedOrdinary = new ArrayList<>();
        Map<FromCorpus.Origin, int[]> acceptedOfAll = new EnumMap<>(FromCorpus.Origin.class);
        int accepted = 0;
        for (int i = 0; i < sections.size(); i++) {
            Set<String> ours = evaluatedDomains(bytes.get(i));
            int[] counts = acceptedOfAll.computeIfAbsent(corpus.get(i).origin(), o -> new int[2]);
            counts[1]++;
            if (ours == null) {
                if (corpus.get(i).origin() == FromCorpus.Origin.ORDINARY) {
                    refusedOrdinary.add(escape(sections.get(i)));
                }
                continue; // refused: nothing any reader shows can pass under another domain
            }
            accepted++;
            counts[0]++;
            for (Map.Entry<String, List<List<String>>> reader : others.entrySet()) {
                List<String> theirs = reader.getValue().get(i);
                if (theirs == null) {
                    continue;
                }
                for (String domain : theirs) {
                    if (domain == null) {
                        continue;
                    }
                    String shown = displayed(domain);
                    if (!ours.contains(shown)) {
                        violations.add(reader.getKey() + " shows " + escape(shown) + " (" + escape(domain) + "), we evaluate "
                                + ours + ": " + escape(sections.get(i)));
                    }
                }
            }
        }
        // All of them, one a line, for reading (the assertion message is cut short in the surefire report).
        String summary = "seed " + SEED + ", " + COUNT + " sections, " + accepted + " evaluated by us ("
                + acceptedOfAll.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1])
                        .collect(Collectors.joining(", "))
                + "), " + violations.size() + " disagreements";
        Files.write(Path.of("target", "from-differential-disagreements.txt"),
                (summary + "\n" + String.join("\n", violations)).getBytes(StandardCharsets.UTF_8));
        // The corpus must also contain mail we read, or the test would pass by refusing everything; ordinary
        // mail (display names with valid encoded-words, folded fields, UTF-8 names, IDNs) must all be read.
        assertThat(accepted).as("sections we evaluate").isGreaterThan(COUNT / 10);
        assertThat(refusedOrdinary).as("ordinary From fields we refuse").isEmpty();
        assertThat(violations).as(violations.size() + " disagreements in " + COUNT + " sections (seed " + SEED + ")")
                .isEmpty();
    }

    @Test
    void theReadersSeeTheAttacksTheTestIsAbout() throws Exception {
        // The comparison is only as good as the readers: at least one of them reads the victim in each class seed.
        List<String> seeds = List.of(FromCorpus.seeds().get(3), FromCorpus.seeds().get(17));
        Map<String, List<List<String>>> others = OtherFromReaders.read(
                seeds.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList());
        for (int i = 0; i < seeds.size(); i++) {
            int index = i;
            Set<String> shown = others.values().stream().map(v -> v.get(index)).filter(v -> v != null)
                    .flatMap(List::stream).map(FromDifferentialTest::displayed).collect(Collectors.toSet());
            assertThat(shown).as(escape(seeds.get(i))).contains(FromCorpus.VICTIM);
        }
    }

    /** The domains we would evaluate, or null when we refuse the From (no usable Author Domain). */
    private static Set<String> evaluatedDomains(byte[] section) {
        byte[] message = new byte[section.length + 10];
        System.arraycopy(section, 0, message, 0, section.length);
        System.arraycopy("\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII), 0, message, section.length, 10);
        AuthorDomainResult r = FromHeaderParser.authorDomainFromHeader(message);
        if (r instanceof AuthorDomainResult.Single s) {
            return Set.of(String.valueOf(s.domain()));
        }
        if (r instanceof AuthorDomainResult.MultipleAddressesSameDomain m) {
            return Set.of(String.valueOf(m.domain()));
        }
        if (r instanceof AuthorDomainResult.MultipleDomains m) {
            return m.domains().stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
        }
        return null;
    }

    /**
     * A domain as a reader's user sees it, in our comparable form: UTF-8 read as Latin-1 repaired, Default_Ignorable
     * code points (invisible when shown) removed, lower case, no trailing dot, IDNA A-labels where possible.
     */
    static String displayed(String domain) {
        String s = withoutTrailingComments(repairLatin1(domain.strip()));
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(cp -> !isInvisible(cp)).forEach(b::appendCodePoint);
        String d = b.toString().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            return IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return d;
        }
    }

    /**
     * javax.mail (lenient) and addressparser keep a comment that follows the domain inside the angle brackets
     * ({@code <x@reject.test (c)>}, RFC 5322 §3.4.1 domain = dot-atom with CFWS around it) in the domain they
     * return. No client takes the comment for part of the domain; drop trailing balanced comments only.
     */
    static String withoutTrailingComments(String domain) {
        String d = domain;
        while (d.endsWith(")")) {
            int depth = 0;
            int open = -1;
            for (int i = d.length() - 1; i >= 0 && open < 0; i--) {
                char c = d.charAt(i);
                boolean escaped = i > 0 && d.charAt(i - 1) == '\\';
                if (c == ')' && !escaped) {
                    depth++;
                } else if (c == '(' && !escaped && --depth == 0) {
                    open = i;
                }
            }
            if (open <= 0) {
                return d;
            }
            d = d.substring(0, open).stripTrailing();
        }
        return d;
    }

    private static String repairLatin1(String s) {
        if (s.chars().allMatch(c -> c < 0x100) && s.chars().anyMatch(c -> c >= 0x80)) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1))).toString();
            } catch (CharacterCodingException e) {
                return s;
            }
        }
        return s;
    }

    /** Unicode Default_Ignorable_Code_Point (DerivedCoreProperties) and format characters: shown as nothing. */
    static boolean isInvisible(int cp) {
        return Character.getType(cp) == Character.FORMAT || cp == 0x00AD || cp == 0x034F || cp == 0x061C
                || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F)
                || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F)
                || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0
                || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
