package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 7489 §3.2 Organizational Domains from the Public Suffix List. */
class PublicSuffixListTest {

    private final PublicSuffixList psl = PublicSuffixList.bundled();

    /** The Organizational Domain of the domain {@code text} denotes; empty when it denotes none. */
    private static Optional<String> org(PublicSuffixList list, String text) {
        return DomainName.parse(text, true).map(list::organizationalDomain).map(DomainName::name);
    }

    private static Optional<String> suffix(PublicSuffixList list, String text) {
        return DomainName.parse(text, true).map(list::publicSuffix).map(DomainName::name);
    }

    private static boolean isSuffix(PublicSuffixList list, String text) {
        return list.isPublicSuffix(DomainName.of(text));
    }

    @Test
    void bundled_list_is_loaded_once_and_not_empty() {
        assertThat(PublicSuffixList.bundled()).isSameAs(psl);
        assertThat(psl.size()).isGreaterThan(5000);
    }

    @Test
    void plain_rules() {
        assertThat(org(psl, "mail.example.com")).contains("example.com");
        assertThat(org(psl, "example.com")).contains("example.com");
        assertThat(org(psl, "a.b.example.co.uk")).contains("example.co.uk");
        assertThat(suffix(psl, "a.b.example.co.uk")).contains("co.uk");
    }

    @Test
    void a_public_suffix_is_its_own_organizational_domain() {
        assertThat(org(psl, "co.uk")).contains("co.uk");
        assertThat(org(psl, "com")).contains("com");
        assertThat(isSuffix(psl, "co.uk")).isTrue();
        assertThat(isSuffix(psl, "example.co.uk")).isFalse();
    }

    @Test
    void unlisted_tld_uses_the_implicit_star_rule() {
        assertThat(org(psl, "a.b.example.notarealtld")).contains("example.notarealtld");
    }

    @Test
    void wildcard_and_exception_rules() {
        // *.kawasaki.jp with !city.kawasaki.jp
        assertThat(org(psl, "a.b.kawasaki.jp")).contains("a.b.kawasaki.jp");
        assertThat(org(psl, "x.a.b.kawasaki.jp")).contains("a.b.kawasaki.jp");
        assertThat(org(psl, "a.city.kawasaki.jp")).contains("city.kawasaki.jp");
        assertThat(org(psl, "city.kawasaki.jp")).contains("city.kawasaki.jp");
        assertThat(suffix(psl, "www.city.kawasaki.jp")).contains("kawasaki.jp");
        // *.ck with !www.ck
        assertThat(org(psl, "shop.foo.ck")).contains("shop.foo.ck");
        assertThat(org(psl, "mail.www.ck")).contains("www.ck");
    }

    @Test
    void idn_rules_are_a_labels_and_u_label_input_is_converted() {
        // "公司.cn" is a rule in the ICANN section.
        assertThat(suffix(psl, "example.xn--55qx5d.cn")).contains("xn--55qx5d.cn");
        assertThat(org(psl, "mail.example.公司.cn")).contains("example.xn--55qx5d.cn");
    }

    @Test
    void private_section_is_used_by_default_and_can_be_excluded() throws IOException {
        assertThat(org(psl, "www.alice.github.io")).contains("alice.github.io");
        String text = """
                // ===BEGIN ICANN DOMAINS===
                io
                // ===END ICANN DOMAINS===
                // ===BEGIN PRIVATE DOMAINS===
                github.io
                // ===END PRIVATE DOMAINS===
                """;
        PublicSuffixList icann = PublicSuffixList.parse(new StringReader(text), PublicSuffixList.Sections.ICANN_ONLY);
        PublicSuffixList all = PublicSuffixList.parse(new StringReader(text), PublicSuffixList.Sections.ALL);
        assertThat(org(icann, "www.alice.github.io")).contains("github.io");
        assertThat(org(all, "www.alice.github.io")).contains("alice.github.io");
    }

    @Test
    void override_file(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("psl.dat");
        Files.writeString(f, "// custom\nexample\n*.wild.example\n!keep.wild.example\nrule.example  trailing text\n");
        PublicSuffixList custom = PublicSuffixList.load(f);
        assertThat(custom.size()).isEqualTo(4);
        assertThat(org(custom, "a.b.example")).contains("b.example");
        assertThat(org(custom, "a.b.wild.example")).contains("a.b.wild.example");
        assertThat(org(custom, "a.keep.wild.example")).contains("keep.wild.example");
        assertThat(org(custom, "a.b.rule.example")).contains("b.rule.example");
        // the bundled list has rules the custom one lacks
        assertThat(org(custom, "a.example.co.uk")).contains("co.uk");
    }

    @Test
    void case_and_trailing_dot_are_ignored_and_garbage_is_empty() {
        assertThat(org(psl, "Mail.Example.COM.")).contains("example.com");
        assertThat(org(psl, "")).isEmpty();
        assertThat(org(psl, "a..b")).isEmpty();
        assertThat(org(psl, null)).isEmpty();
    }
}
