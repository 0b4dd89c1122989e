package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.testsupport.DkimTestSigner;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Hostile and broken DKIM-Signature fields never make the verifier throw, and never pass by accident. */
class DkimVerifierPropertyTest {

    private static final DkimTestSigner SIGNER = DkimTestSigner.rsa2048("example.com", "sel1");
    private static final String SIGNED = new String(
            SIGNER.sign(DkimTestSigner.sampleMessage("example.com", "Hi,\r\nbody text.\r\n")), StandardCharsets.UTF_8);
    private static final int FIELD_END = SIGNED.indexOf("\r\n");
    private static final String FIELD = SIGNED.substring(0, FIELD_END);
    private static final String REST = SIGNED.substring(FIELD_END);
    private static final Pattern B_TAG = Pattern.compile("(?<![a-z])b=([A-Za-z0-9+/]+)");

    /** A mutation of the signature field: replace [start, start+length) with {@code insert}. */
    record Edit(int start, int length, String insert) {
        String applyTo(String s) {
            int from = Math.min(start, s.length());
            int to = Math.min(s.length(), from + length);
            return s.substring(0, from) + insert + s.substring(to);
        }
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> nasty = Arbitraries.oneOf(
                Arbitraries.strings().withChars(";=:\"()<>\\@., \t\r\n\u0000\u00e9\u202e-").ofMaxLength(6),
                Arbitraries.strings().alpha().numeric().withChars("+/=").ofMaxLength(12),
                Arbitraries.of("a=rsa-sha1", "a=ed25519-sha256", "a=", "c=foo/bar", "l=99999999999999999999", "l=-1",
                        "x=1", "t=99999999999", "d=", "s=", "d=evil.example", "h=", "v=2", "q=http", "bh=", "b=",
                        "i=@", "h=from:from:from:from", "d=" + "a.".repeat(200) + "com", "s=" + "x".repeat(300)),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().between(0, FIELD.length()),
                Arbitraries.integers().between(0, 40),
                nasty).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 400)
    void mutatedSignatureNeverThrowsAndGivesOneBoundedOutcome(@ForAll("edits") List<Edit> edits) {
        String field = FIELD;
        for (Edit e : edits) {
            field = e.applyTo(field);
        }
        if (!field.regionMatches(true, 0, "DKIM-Signature:", 0, 15)) {
            field = "DKIM-Signature:" + field; // keep it a signature field (a garbled name is just another header)
        }
        InMemoryDnsClient dns = new InMemoryDnsClient().txt(SIGNER.keyRecordName(), SIGNER.txtRecord());

        List<DkimOutcome> outcomes = new DkimVerifier(dns).verify((field + REST).getBytes(StandardCharsets.UTF_8));

        assertThat(outcomes).hasSizeLessThanOrEqualTo(1);
        for (DkimOutcome o : outcomes) {
            assertThat(o.reason()).hasSizeLessThanOrEqualTo(120).matches("[\\x20-\\x7e]*");
            o.domain().ifPresent(d -> assertThat(DomainName.parse(d.name())).contains(d));
            assertThat(o.selector()).matches("[a-z0-9_.-]*");
            assertThat(dns.queries()).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 100)
    void changingOneCharacterOfTheSignatureValueNeverPasses(@ForAll @IntRange(min = 0, max = 300) int position,
            @ForAll @IntRange(min = 1, max = 63) int shift) {
        Matcher m = B_TAG.matcher(FIELD);
        assertThat(m.find()).isTrue();
        String b = m.group(1);
        // Leave the last two characters alone: they may carry only padding bits.
        int i = position % (b.length() - 2);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char changed = alphabet.charAt((alphabet.indexOf(b.charAt(i)) + shift) % 64);
        String mutated = FIELD.substring(0, m.start(1) + i) + changed + FIELD.substring(m.start(1) + i + 1);
        InMemoryDnsClient dns = new InMemoryDnsClient().txt(SIGNER.keyRecordName(), SIGNER.txtRecord());

        List<DkimOutcome> outcomes = new DkimVerifier(dns).verify((mutated + REST).getBytes(StandardCharsets.UTF_8));

        assertThat(outcomes).extracting(DkimOutcome::result).containsExactly(DkimResult.FAIL);
    }
}
