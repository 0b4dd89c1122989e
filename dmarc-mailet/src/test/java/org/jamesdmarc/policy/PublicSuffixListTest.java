package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 7489 §3.2 Organizational Domains from the Public Suffix List. */
class PublicSuffixListTest {

    private final PublicSuffixList psl = PublicSuffixList.bundled();

    @Test
    void bundled_list_is_loaded_once_and_not_empty() {
        assertThat(PublicSuffixList.bundled()).isSameAs(psl);
        assertThat(psl.size()).isGreaterThan(5000);
    }

    @Test
    void plain_rules() {
        assertThat(psl.organizationalDomain("mail.example.com")).contains("example.com");
        assertThat(psl.organizationalDomain("example.com")).contains("example.com");
        assertThat(psl.organizationalDomain("a.b.example.co.uk")).contains("example.co.uk");
        assertThat(psl.publicSuffix("a.b.example.co.uk")).contains("co.uk");
    }

    @Test
    void a_public_suffix_is_its_own_organizational_domain() {
        assertThat(psl.organizationalDomain("co.uk")).contains("co.uk");
        assertThat(psl.organizationalDomain("com")).contains("com");
        assertThat(psl.isPublicSuffix("co.uk")).isTrue();
        assertThat(psl.isPublicSuffix("example.co.uk")).isFalse();
    }

    @Test
    void unlisted_tld_uses_the_implicit_star_rule() {
        assertThat(psl.organizationalDomain("a.b.example.notarealtld")).contains("example.notarealtld");
    }

    @Test
    void wildcard_and_exception_rules() {
        // *.kawasaki.jp with !city.kawasaki.jp
        assertThat(psl.organizationalDomain("a.b.kawasaki.jp")).contains("a.b.kawasaki.jp");
        assertThat(psl.organizationalDomain("x.a.b.kawasaki.jp")).contains("a.b.kawasaki.jp");
        assertThat(psl.organizationalDomain("a.city.kawasaki.jp")).contains("city.kawasaki.jp");
        assertThat(psl.organizationalDomain("city.kawasaki.jp")).contains("city.kawasaki.jp");
        assertThat(psl.publicSuffix("www.city.kawasaki.jp")).contains("kawasaki.jp");
        // *.ck with !www.ck
        assertThat(psl.organizationalDomain("shop.foo.ck")).contains("shop.foo.ck");
        assertThat(psl.organizationalDomain("mail.www.ck")).contains("www.ck");
    }

    @Test
    void idn_rules_are_a_labels_and_u_label_input_is_converted() {
        // "公司.cn" is a rule in the ICANN section.
        assertThat(psl.publicSuffix("example.xn--55qx5d.cn")).contains("xn--55qx5d.cn");
        assertThat(psl.organizationalDomain("mail.example.公司.cn")).contains("example.xn--55qx5d.cn");
    }

    @Test
    void private_section_is_used_by_default_and_can_be_excluded() throws IOException {
        assertThat(psl.organizationalDomain("www.alice.github.io")).contains("alice.github.io");
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
        assertThat(icann.organizationalDomain("www.alice.github.io")).contains("github.io");
        assertThat(all.organizationalDomain("www.alice.github.io")).contains("alice.github.io");
    }

    @Test
    void override_file(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("psl.dat");
        Files.writeString(f, "// custom\nexample\n*.wild.example\n!keep.wild.example\nrule.example  trailing text\n");
        PublicSuffixList custom = PublicSuffixList.load(f);
        assertThat(custom.size()).isEqualTo(4);
        assertThat(custom.organizationalDomain("a.b.example")).contains("b.example");
        assertThat(custom.organizationalDomain("a.b.wild.example")).contains("a.b.wild.example");
        assertThat(custom.organizationalDomain("a.keep.wild.example")).contains("keep.wild.example");
        assertThat(custom.organizationalDomain("a.b.rule.example")).contains("b.rule.example");
        // the bundled list has rules the custom one lacks
        assertThat(custom.organizationalDomain("a.example.co.uk")).contains("co.uk");
    }

    @Test
    void case_and_trailing_dot_are_ignored_and_garbage_is_empty() {
        assertThat(psl.organizationalDomain("Mail.Example.COM.")).contains("example.com");
        assertThat(psl.organizationalDomain("")).isEmpty();
        assertThat(psl.organizationalDomain("a..b")).isEmpty();
        assertThat(psl.organizationalDomain(null)).isEmpty();
    }
}
