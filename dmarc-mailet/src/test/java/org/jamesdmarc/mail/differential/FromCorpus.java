package org.jamesdmarc.mail.differential;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Hostile header sections for the From differential test: the attack classes written out ({@link #seeds()}),
 * random From fields from a grammar of RFC 5322 / RFC 2047 pieces mixed with the characters parsers disagree on,
 * and random byte-level mutations of the seeds. Deterministic for a seed. The two domains are a p=reject victim
 * ({@link #VICTIM}) and the attacker's ({@link #ATTACKER}).
 */
final class FromCorpus {

    static final String VICTIM = "reject.test";
    static final String ATTACKER = "attack.test";
    private static final String REST = "\r\nTo: bob@receiver.test\r\nSubject: hi";

    private final Random random;

    FromCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** Written-out members of each attack class (and ordinary mail, which must not be refused by all). */
    static List<String> seeds() {
        String v = "admin@" + VICTIM;
        String a = "x@" + ATTACKER;
        String b64 = Base64.getEncoder().encodeToString(("<" + v + ">").getBytes(StandardCharsets.UTF_8));
        return List.of(
                "From: Admin <" + v + ">",
                "From: " + a,
                "From: \"Admin\" <" + a + ">",
                // encoded-words that swallow syntax (issue 8 class 1)
                "From: =?utf-8*\"?q?Admin?=<" + v + ">(\"<" + a + ">",
                "From: =?utf-8?q?A\"?=<" + v + ">\"<" + a + ">",
                "From: =?utf-8?q?(?=<" + v + ">=?utf-8?q?)?=<" + a + ">",
                "From: =?utf-8?b?" + b64 + "?= <" + a + ">",
                "From: =?us-ascii?q?<" + v + ">?= <" + a + ">",
                "From: =?utf-8?q?Admin?= <" + v + ">, =?x?q?\"?= <" + a + ">",
                // bare CR plus odd whitespace (class 2)
                "X-A: b\r\u000bFrom: <" + v + ">\r\nFrom: <" + a + ">",
                "X-A: b\r\fFrom: <" + v + ">\r\nFrom: <" + a + ">",
                "X-A: b\r\u00c2\u00a0From: <" + v + ">\r\nFrom: <" + a + ">",
                "X-A: b\rFrom: <" + v + ">\r\nFrom: <" + a + ">",
                "From: <" + a + ">\rFrom: <" + v + ">",
                // "From :" on the first line is a field, not an mbox separator (class 3)
                "From : <" + v + ">" + REST + "\r\nX-B: c\r\nFrom: <" + a + ">",
                "From\t: <" + v + ">\r\nFrom: <" + a + ">",
                "From :<" + v + ">",
                // invisible code points in the domain (class 4), UTF-8 bytes as Latin-1 code points
                "From: <admin@reject" + utf8("\u17b4") + ".test>",
                "From: <admin@reject" + utf8("\u17b5") + ".test>",
                "From: <admin@" + utf8("\u115f") + "reject.test>",
                "From: <admin@reject" + utf8("\u200b") + ".test>",
                "From: <admin@reject" + utf8("\u00ad") + ".test>",
                "From: <admin@re" + utf8("\u034f") + "ject.test>",
                // classic composition tricks
                "From: <" + v + ">, <" + a + ">",
                "From: " + v + " <" + a + ">",
                "From: \"" + v + "\" <" + a + ">",
                "From: <" + a + "> (" + v + ")",
                "From: " + a + "\r\n\tFrom: " + v,
                "From: <@" + VICTIM + ":" + a + ">",
                "From: Group: <" + v + ">;, <" + a + ">",
                "From: <" + a + "\\>@" + VICTIM + ">",
                "From: \"x@" + ATTACKER + "\"@" + VICTIM,
                "From: x@" + ATTACKER + "@" + VICTIM);
    }

    /** Where a section comes from. */
    enum Origin {
        /** {@link #seeds()}. */
        SEED,
        /** A From field from the grammar of hostile pieces. */
        GRAMMAR,
        /** A seed with random edits. */
        MUTATION,
        /** A From field as ordinary mail software writes it: every reader, and we, must read its author. */
        ORDINARY
    }

    record Section(String text, Origin origin) {
    }

    /** {@code count} sections: the seeds, then grammar-made, mutated (3 in 8 each) and ordinary ones (1 in 4). */
    List<Section> sections(int count) {
        List<String> seeds = seeds();
        List<Section> out = new ArrayList<>(count);
        seeds.forEach(s -> out.add(new Section(s, Origin.SEED)));
        while (out.size() < count) {
            int which = random.nextInt(8);
            if (which < 2) {
                out.add(new Section("From: " + ordinaryFrom() + (random.nextBoolean() ? REST : ""), Origin.ORDINARY));
            } else if (which < 5) {
                out.add(new Section("From: " + fromValue() + (random.nextInt(4) == 0 ? REST : ""), Origin.GRAMMAR));
            } else {
                out.add(new Section(mutate(seeds.get(random.nextInt(seeds.size()))), Origin.MUTATION));
            }
        }
        return out.subList(0, count);
    }

    /**
     * A From field as mail software writes it: plain, quoted, raw UTF-8 (RFC 6532) or RFC 2047 encoded display
     * names (Q and B, several charsets, an RFC 2231 language, adjacent and folded words, an encoded comma),
     * comments, folding, upper case, subdomains and IDN U-labels, now and then two mailboxes of one domain.
     * The text is the UTF-8 bytes as Latin-1 code points, like every section.
     */
    private String ordinaryFrom() {
        String domain = pick(VICTIM, ATTACKER, "sub." + VICTIM, "mail." + ATTACKER, VICTIM.toUpperCase(),
                "b\u00fccher.test", "\u0441\u0430\u0439\u0442.test", "\u4f8b\u3048.test", "m\u00fcnchen." + VICTIM);
        String local = pick("admin", "j.doe", "first.last+tag", "o'brien", "x_y", "\"john doe\"");
        String mailbox = utf8(local + "@" + domain);
        String name = pick("Admin", "Alice Example", "\"Doe, John\"", "\"O'Brien, M\u00e1ire\"", "J\u00f6rg M\u00fcller",
                "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=", "=?utf-8?B?" + base64("J\u00f6rg M\u00fcller") + "?=",
                "=?ISO-8859-1?Q?J=F6rg?=", "=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=", "=?utf-8?q?M=C3=BCller=2C_Hans?=",
                "=?utf-8?B?" + base64("M\u00fcller, Hans") + "?=", "=?utf-8*de?q?Gr=C3=BC=C3=9Fe?=",
                "=?utf-8?q?J=C3=B6rg?= =?utf-8?q?_M=C3=BCller?=", "=?utf-8?B?" + base64("\u0395\u03bb\u03ad\u03bd\u03b7") + "?=",
                "Support (Sales)", "\"Team \\\"Blue\\\"\"");
        String fold = pick(" ", " ", " ", "\r\n ", "\r\n\t");
        String value = switch (random.nextInt(6)) {
            case 0 -> mailbox;
            case 1 -> "<" + mailbox + ">";
            case 2 -> mailbox + " (" + pick("Sales", "J\u00f6rg", "=?utf-8?q?J=C3=B6rg?=") + ")";
            default -> utf8(name) + fold + "<" + mailbox + ">";
        };
        if (random.nextInt(10) == 0) {
            value += "," + fold + utf8(pick("Bob", "\"Carol\"")) + " <" + utf8("other@" + domain) + ">";
        }
        return value;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private String fromValue() {
        StringBuilder b = new StringBuilder();
        int elements = 1 + random.nextInt(random.nextInt(5) == 0 ? 3 : 1);
        for (int i = 0; i < elements; i++) {
            if (i > 0) {
                b.append(pick(",", ", ", ";", " ,", ",,"));
            }
            if (random.nextInt(8) == 0) {
                b.append(phrase()).append(':').append(mailbox()).append(pick(";", "", ";;"));
            } else {
                b.append(mailbox());
            }
        }
        return b.toString();
    }

    private String mailbox() {
        String spec = addrSpec();
        return switch (random.nextInt(5)) {
            case 0 -> spec + optionalComment();
            case 1 -> "<" + spec + ">";
            default -> phrase() + ws() + "<" + cfws() + spec + cfws() + ">" + optionalComment();
        };
    }

    private String addrSpec() {
        String local = pick("admin", "x", "a.b", "\"a b\"", "\"a\\\"b\"", "\"x@" + ATTACKER + "\"", "a" + special());
        String domain = domain();
        String route = random.nextInt(12) == 0 ? "@" + domain() + ":" : "";
        return route + local + cfws() + "@" + cfws() + domain;
    }

    private String domain() {
        String d = random.nextBoolean() ? VICTIM : ATTACKER;
        return switch (random.nextInt(10)) {
            case 0 -> d.toUpperCase();
            case 1 -> d + ".";
            case 2 -> "sub." + d;
            case 3 -> d.replace(".", utf8(pick("\u17b4", "\u200b", "\u00ad", "\u3164")) + ".");
            case 4 -> d.replace(".", pick("(c).", " .", ".\r\n .", "\t."));
            default -> d;
        };
    }

    private String phrase() {
        StringBuilder b = new StringBuilder();
        int words = 1 + random.nextInt(3);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                b.append(ws());
            }
            b.append(switch (random.nextInt(6)) {
                case 0 -> "\"" + pick("Admin", "a\\\"b", "<admin@" + VICTIM + ">", "x\"", "(", "a\\") + "\"";
                case 1, 2 -> encodedWord();
                case 3 -> pick("Admin", "admin@" + VICTIM, "<", ">", "@", "a.b", "\\");
                default -> pick("Bank", "Support", "Team");
            });
        }
        return b.toString();
    }

    private String encodedWord() {
        String charset = pick("utf-8", "UTF-8", "us-ascii", "iso-8859-1", "utf-8*en", "utf-8*\"", "utf-8\"", "x(", "");
        String enc = pick("q", "Q", "b", "B", "x");
        String text = enc.equalsIgnoreCase("b")
                ? Base64.getEncoder().encodeToString(pick("Admin", "<admin@" + VICTIM + ">", "\"", "a(b").getBytes(StandardCharsets.UTF_8))
                : pick("Admin", "A=22", "A\"", "<admin@" + VICTIM + ">", "(", ")", "a_b", "=3C", "A?B", "");
        return "=?" + charset + "?" + enc + "?" + text + "?=";
    }

    private String optionalComment() {
        return random.nextInt(4) == 0 ? " (" + pick("c", "\"", "<x@" + VICTIM + ">", "(nested)", "a\\)b", "") + ")" : "";
    }

    private String cfws() {
        return random.nextInt(6) == 0 ? pick(" ", "(c)", "\r\n ", "\t") : "";
    }

    private String ws() {
        return random.nextInt(5) == 0 ? pick("\t", "\r\n ", "  ", "", utf8("\u00a0"), "\u000b", "\f") : " ";
    }

    private String special() {
        return pick("\"", "(", ")", "<", ">", "\\", ",", ";", ":", "\u0000", "\r", "\n");
    }

    private String mutate(String seed) {
        StringBuilder b = new StringBuilder(seed);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            String piece = pick("\"", "(", ")", "<", ">", "\\", ",", ";", ":", "@", "=?", "?=", " ", "\t", "\r", "\n",
                    "\r\n ", "\u000b", utf8("\u00a0"), "From: ", VICTIM, ATTACKER);
            switch (random.nextInt(3)) {
                case 0 -> b.insert(at, piece);
                case 1 -> b.deleteCharAt(at);
                default -> b.replace(at, Math.min(b.length(), at + 1), piece);
            }
        }
        return b.toString();
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    /** The UTF-8 bytes of {@code s} as Latin-1 code points (sections travel as byte strings). */
    static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
