package org.jamesdmarc.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jamesdmarc.dns.DomainName;

/**
 * The Public Suffix List (https://publicsuffix.org/list/), used for the RFC 7489 §3.2 Organizational
 * Domain algorithm (legacy "PSL" discovery mode) and as a fallback where no DNS tree walk is wanted.
 *
 * <p>The bundled copy comes from Debian's {@code publicsuffix} package; an operator can point to
 * another file (OpenDMARC's {@code PublicSuffixList} option) with {@link #load(Path)}.
 *
 * <p>Rules are read as the PSL format defines them: one rule per line, {@code //} comments, a
 * {@code *} label matches any one label, a leading {@code !} marks an exception to a wildcard.
 * Both the ICANN and the PRIVATE sections are used by default (as OpenDMARC and most DMARC
 * validators do: a PRIVATE entry such as {@code github.io} really does separate independent
 * registrants); {@link Sections#ICANN_ONLY} restricts to the ICANN section. Internationalised
 * entries are converted to A-labels so that they match {@link DomainName}s.
 *
 * <p>Immutable and thread-safe; lookups are a handful of hash probes per label.
 */
public final class PublicSuffixList {

    /** Which sections of the list to use. */
    public enum Sections {
        /** ICANN and PRIVATE sections (default). */
        ALL,
        /** Only the ICANN section. */
        ICANN_ONLY
    }

    /** Classpath location of the bundled list. */
    public static final String BUNDLED_RESOURCE = "/org/jamesdmarc/policy/public_suffix_list.dat";

    private static volatile PublicSuffixList bundled;

    /** A plain rule, e.g. {@code co.uk}. */
    private static final byte EXACT = 1;
    /** The parent of a wildcard rule: {@code *.ck} is stored as {@code ck}. */
    private static final byte WILDCARD_PARENT = 2;
    /** An exception rule without the {@code !}: {@code !www.ck} is stored as {@code www.ck}. */
    private static final byte EXCEPTION = 4;
    /** A proper suffix of a stored name ({@code uk} for {@code co.uk}): longer names may still match. */
    private static final byte INTERIOR = 8;

    /**
     * The rules as an open-addressing hash table (linear probing) of names with their kinds: looked up
     * by a region of the domain and its {@link String#hashCode}, computed while walking the domain
     * from its end, so a lookup allocates nothing.
     */
    private final String[] names;
    private final int[] hashes;
    private final byte[] kinds;
    private final int mask;
    private final int size;

    private PublicSuffixList(Set<String> exact, Set<String> wildcardParents, Set<String> exceptions) {
        Map<String, Byte> rules = new HashMap<>();
        exact.forEach(r -> rules.merge(r, EXACT, (a, b) -> (byte) (a | b)));
        wildcardParents.forEach(r -> rules.merge(r, WILDCARD_PARENT, (a, b) -> (byte) (a | b)));
        exceptions.forEach(r -> rules.merge(r, EXCEPTION, (a, b) -> (byte) (a | b)));
        for (String name : List.copyOf(rules.keySet())) {
            for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
                rules.merge(name.substring(dot + 1), INTERIOR, (a, b) -> (byte) (a | b));
            }
        }
        int capacity = Integer.highestOneBit(Math.max(4, rules.size() * 2)) * 2; // load factor at most 1/2
        this.names = new String[capacity];
        this.hashes = new int[capacity];
        this.kinds = new byte[capacity];
        this.mask = capacity - 1;
        this.size = exact.size() + wildcardParents.size() + exceptions.size();
        rules.forEach((name, kind) -> {
            int h = name.hashCode();
            int i = spread(h) & mask;
            while (names[i] != null) {
                i = (i + 1) & mask;
            }
            names[i] = name;
            hashes[i] = h;
            kinds[i] = kind;
        });
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** The kinds of rule for {@code d.substring(start)}, whose hash code is {@code hash}; 0 when none. */
    private int kindsOf(String d, int start, int hash) {
        int length = d.length() - start;
        int i = spread(hash) & mask;
        String name;
        while ((name = names[i]) != null) {
            if (hashes[i] == hash && name.length() == length && d.startsWith(name, start)) {
                return kinds[i];
            }
            i = (i + 1) & mask;
        }
        return 0;
    }

    /** The bundled list (ICANN + PRIVATE), loaded once per JVM. */
    public static PublicSuffixList bundled() {
        PublicSuffixList b = bundled;
        if (b == null) {
            synchronized (PublicSuffixList.class) {
                b = bundled;
                if (b == null) {
                    try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("bundled public suffix list missing: " + BUNDLED_RESOURCE);
                        }
                        b = parse(new InputStreamReader(in, StandardCharsets.UTF_8), Sections.ALL);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    bundled = b;
                }
            }
        }
        return b;
    }

    /** Loads a list file (UTF-8, PSL format), both sections. */
    public static PublicSuffixList load(Path file) throws IOException {
        return load(file, Sections.ALL);
    }

    public static PublicSuffixList load(Path file, Sections sections) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, sections);
        }
    }

    /** Parses PSL text; lines that are not valid rules are skipped. */
    public static PublicSuffixList parse(Reader reader, Sections sections) throws IOException {
        Objects.requireNonNull(sections, "sections");
        Set<String> exact = new HashSet<>();
        Set<String> wild = new HashSet<>();
        Set<String> exc = new HashSet<>();
        boolean inPrivate = false;
        BufferedReader br = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String line;
        while ((line = br.readLine()) != null) {
            String s = line.strip();
            if (s.startsWith("//")) {
                if (s.contains("===BEGIN PRIVATE DOMAINS===")) {
                    inPrivate = true;
                } else if (s.contains("===END PRIVATE DOMAINS===")) {
                    inPrivate = false;
                }
                continue;
            }
            if (s.isEmpty() || (inPrivate && sections == Sections.ICANN_ONLY)) {
                continue;
            }
            // The format says a rule ends at the first whitespace.
            int ws = indexOfWhitespace(s);
            if (ws >= 0) {
                s = s.substring(0, ws);
            }
            boolean exception = s.startsWith("!");
            if (exception) {
                s = s.substring(1);
            }
            String rule = toAscii(s);
            if (rule == null) {
                continue;
            }
            if (exception) {
                exc.add(rule);
            } else if (rule.startsWith("*.")) {
                wild.add(rule.substring(2));
            } else if (!rule.contains("*")) {
                exact.add(rule);
            }
            // Wildcards other than a leading "*." label are not used by the list; skipped.
        }
        return new PublicSuffixList(exact, wild, exc);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A-label form of a rule, labels kept as written ({@code *} stays); null if unusable. Not a
     * {@link DomainName}: rules have wildcard labels, and are read with ALLOW_UNASSIGNED (java.net.IDN
     * knows Unicode 3.2 only).
     */
    private static String toAscii(String rule) {
        if (rule.isEmpty() || rule.startsWith(".") || rule.endsWith(".")) {
            return null;
        }
        String[] labels = rule.split("\\.", -1);
        StringBuilder sb = new StringBuilder(rule.length() + 8);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (label.isEmpty()) {
                return null;
            }
            if (!label.equals("*")) {
                try {
                    label = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            if (i > 0) {
                sb.append('.');
            }
            sb.append(label.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** Number of rules loaded (exact + wildcard + exception). */
    public int size() {
        return size;
    }

    /**
     * The public suffix of {@code domain} under the prevailing rule (PSL algorithm: an exception
     * rule wins, else the matching rule with most labels, else the implicit {@code *} rule).
     */
    public DomainName publicSuffix(DomainName domain) {
        return domain.lastLabels(suffixLabels(domain));
    }

    /**
     * RFC 7489 §3.2: the Organizational Domain is the public suffix plus one more label. A name that
     * is itself a public suffix has no such label; it is then its own Organizational Domain (as
     * OpenDMARC does).
     */
    public DomainName organizationalDomain(DomainName domain) {
        int suffix = suffixLabels(domain);
        return suffix >= domain.labelCount() ? domain : domain.lastLabels(suffix + 1);
    }

    /** True when {@code domain} is exactly a public suffix (including the implicit {@code *} rule). */
    public boolean isPublicSuffix(DomainName domain) {
        return suffixStart(domain.name()) == 0;
    }

    /** Number of labels of the public suffix of {@code domain}. */
    private int suffixLabels(DomainName domain) {
        String d = domain.name();
        int labels = 1;
        for (int i = suffixStart(d); i < d.length(); i++) {
            if (d.charAt(i) == '.') {
                labels++;
            }
        }
        return labels;
    }

    /** Index in {@code d} where its public suffix starts. */
    private int suffixStart(String d) {
        // Walk the suffixes of d from the shortest (TLD) to the longest: each is d.substring(start)
        // for start just after a dot, or 0. Their String.hashCode grows leftwards:
        // hash(c + s) = c * 31^length(s) + hash(s).
        int best = d.lastIndexOf('.') + 1; // implicit "*" rule: the TLD is a public suffix
        int hash = 0;
        int power = 1;
        int pos = d.length() - 1;
        while (true) {
            char c;
            while (pos >= 0 && (c = d.charAt(pos)) != '.') {
                hash += c * power;
                power *= 31;
                pos--;
            }
            int start = pos + 1; // pos is the dot before the suffix, or -1
            int kind = kindsOf(d, start, hash);
            if ((kind & EXCEPTION) != 0) {
                // "!rule": the public suffix is the rule minus its left-most label; exceptions win.
                int next = d.indexOf('.', start);
                return next < 0 ? start : next + 1;
            }
            if ((kind & EXACT) != 0) {
                best = start;
            }
            if (pos > 0 && (kind & WILDCARD_PARENT) != 0) {
                // "*.parent": any one label directly under parent is a public suffix
                // (an exception for that longer name is checked at the next iteration).
                best = d.lastIndexOf('.', pos - 1) + 1;
            }
            if (pos < 0 || kind == 0) {
                // kind 0: no rule is this suffix or ends with it, so no longer suffix can match either.
                return best;
            }
            hash += '.' * power;
            power *= 31;
            pos--;
        }
    }
}
