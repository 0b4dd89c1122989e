package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jamesdmarc.dns.DomainName;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link PublicSuffixList} gives what the publicsuffix.org algorithm gives when written the slow,
 * obvious way (every rule tried against the name), on names built around the bundled list's rules.
 */
class PublicSuffixListReferencePropertyTest {

    /** A rule as labels, right-most last; {@code *} matches any one label. */
    private record Rule(List<String> labels, boolean exception) {
        boolean matches(List<String> domain) {
            if (labels.size() > domain.size()) {
                return false;
            }
            int offset = domain.size() - labels.size();
            for (int i = 0; i < labels.size(); i++) {
                if (!labels.get(i).equals("*") && !labels.get(i).equals(domain.get(offset + i))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final List<Rule> RULES = readBundledRules();
    private static final PublicSuffixList PSL = PublicSuffixList.bundled();

    private static List<Rule> readBundledRules() {
        List<Rule> rules = new ArrayList<>();
        try (InputStream in = PublicSuffixList.class.getResourceAsStream(PublicSuffixList.BUNDLED_RESOURCE);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("//")) {
                    continue;
                }
                s = s.split("\\s", 2)[0];
                boolean exception = s.startsWith("!");
                if (exception) {
                    s = s.substring(1);
                }
                List<String> labels = new ArrayList<>();
                for (String label : s.split("\\.", -1)) {
                    labels.add(label.equals("*") ? "*"
                            : IDN.toASCII(label, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
                }
                // As the implementation: a '*' only as a whole left-most label.
                if (labels.subList(1, labels.size()).contains("*")
                        || labels.stream().anyMatch(l -> l.contains("*") && !l.equals("*"))) {
                    continue;
                }
                rules.add(new Rule(List.copyOf(labels), exception));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rules;
    }

    /** The publicsuffix.org algorithm, brute force: the number of labels of the public suffix. */
    private static int suffixLabels(List<String> domain) {
        int best = 1; // the implicit "*" rule
        for (Rule rule : RULES) {
            if (rule.matches(domain)) {
                if (rule.exception()) {
                    return rule.labels().size() - 1; // an exception rule prevails
                }
                best = Math.max(best, rule.labels().size());
            }
        }
        return best;
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<List<String>> ruleLabels = Arbitraries.of(RULES).map(Rule::labels);
        Arbitrary<List<String>> prefix = Arbitraries.of("www", "city", "a", "b", "mail", "example", "co", "uk")
                .list().ofMaxSize(3);
        return ruleLabels.flatMap(rule -> prefix.map(p -> {
            List<String> labels = new ArrayList<>(p);
            for (String label : rule) {
                labels.add(label.equals("*") ? "x" : label);
            }
            return String.join(".", labels);
        })).filter(name -> DomainName.parse(name, true).isPresent());
    }

    @Property(tries = 3000)
    void same_public_suffix_and_organizational_domain_as_the_reference(@ForAll("names") String name) {
        List<String> labels = List.of(name.split("\\."));
        int n = suffixLabels(labels);
        String suffix = String.join(".", labels.subList(labels.size() - n, labels.size()));
        String org = n >= labels.size() ? name : String.join(".", labels.subList(labels.size() - n - 1, labels.size()));

        DomainName domain = DomainName.of(name);
        assertThat(PSL.publicSuffix(domain)).as(name).isEqualTo(DomainName.of(suffix));
        assertThat(PSL.organizationalDomain(domain)).as(name).isEqualTo(DomainName.of(org));
        assertThat(PSL.isPublicSuffix(domain)).as(name).isEqualTo(n == labels.size());
    }
}
