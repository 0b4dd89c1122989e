package org.jamesdmarc.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jamesdmarc.dns.testing.InMemoryDnsClient;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Hostile and broken ARC chains never make the verifier throw, never pass unless the chain is intact, and cost at
 * most one DNS query per distinct key (RFC 8617 §5.2 with bounded work).
 */
class ArcVerifierFuzzTest {

    private static final String SEALED = ArcHops.text(
            ArcHops.seal(ArcHops.seal(ArcHops.message(), ArcHops.RELAY), ArcHops.LIST));
    private static final int HEADER_END = SEALED.indexOf("\r\n\r\n");

    private final ArcVerifier verifier = new ArcVerifier();

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
                Arbitraries.strings().withChars(";=:\"()<>\\@., \t\r\n\u0000\u00e9-").ofMaxLength(6),
                Arbitraries.strings().alpha().numeric().withChars("+/=").ofMaxLength(12),
                Arbitraries.of("i=0", "i=1", "i=2", "i=3", "i=50", "i=51", "i=-1", "i=99999999999", "i=01", "cv=fail",
                        "cv=none", "cv=pass", "a=rsa-sha1", "a=ed25519-sha256", "c=x/y", "l=1", "h=arc-seal", "h=",
                        "b=", "bh=", "b=!!", "d=", "s=", "d=" + "a.".repeat(200) + "com", "s=" + "x".repeat(300),
                        "\r\nARC-Seal: i=1; cv=none", "\r\nARC-Message-Signature: i=2;",
                        "\r\nARC-Authentication-Results: i=1; x"),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().between(0, HEADER_END),
                Arbitraries.integers().between(0, 40),
                nasty).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 300)
    void aMutatedChainNeverThrowsAndPassesOnlyWhenNothingSignedChanged(@ForAll("edits") List<Edit> edits) {
        String message = SEALED;
        for (Edit e : edits) {
            message = e.applyTo(message);
        }
        InMemoryDnsClient dns = new InMemoryDnsClient();
        dns.txt(ArcHops.RELAY.keyRecordName(), ArcHops.RELAY.txtRecord());
        dns.txt(ArcHops.LIST.keyRecordName(), ArcHops.LIST.txtRecord());
        ArcOutcome outcome = verifier.verify(message.getBytes(StandardCharsets.UTF_8), dns);
        assertThat(outcome.reason()).isNotNull();
        assertThat(dns.queries()).doesNotHaveDuplicates();
        assertThat(dns.queries().size()).isLessThanOrEqualTo(2 * ArcVerifier.MAX_INSTANCES);
        if (outcome.result() == ArcResult.PASS) {
            // A pass needs every signed field intact up to what relaxed canonicalization ignores (RFC 6376 §3.4.2:
            // case of names, white space), and the seals cover all three fields of every set.
            String mutated = squeeze(message);
            assertThat(outcome.sets()).hasSize(2);
            assertThat(SEALED.substring(0, HEADER_END).split("\r\n"))
                    .allSatisfy(line -> assertThat(mutated).contains(squeeze(line)));
        }
    }

    private static String squeeze(String s) {
        return s.replaceAll("[ \t\r\n]", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Property(tries = 20)
    void floodsOfSetsAreRefusedWithoutAQuery(@ForAll @IntRange(min = 51, max = 1000) int sets,
            @ForAll @IntRange(min = 1, max = 3) int copies) {
        StringBuilder fields = new StringBuilder();
        for (int i = 1; i <= sets; i++) {
            for (int c = 0; c < copies; c++) {
                int instance = 1 + (i * 7 + c) % 60; // duplicates, loops and instances past 50
                fields.append("ARC-Seal: i=").append(instance).append("; a=rsa-sha256; cv=pass; d=x").append(i)
                        .append(".example; s=s; b=AA==\r\n");
            }
            fields.append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; d=x.example; s=s; h=from;")
                    .append(" bh=AA==; b=AA==\r\n")
                    .append("ARC-Authentication-Results: i=").append(i).append("; x.example; none\r\n");
        }
        InMemoryDnsClient dns = new InMemoryDnsClient();
        ArcOutcome outcome = verifier.verify((fields + ArcHops.text(ArcHops.message())).getBytes(StandardCharsets.UTF_8),
                dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(dns.queries()).isEmpty();
    }

    @Property(tries = 100)
    void duplicatedOrLoopingInstancesFailBeforeAnyQuery(@ForAll @IntRange(min = 1, max = 50) int a,
            @ForAll @IntRange(min = 1, max = 50) int b) {
        String set = "ARC-Seal: i=%d; a=rsa-sha256; cv=none; d=x.example; s=s; b=AA==\r\n"
                + "ARC-Message-Signature: i=%d; a=rsa-sha256; d=x.example; s=s; h=from; bh=AA==; b=AA==\r\n"
                + "ARC-Authentication-Results: i=%d; x.example; none\r\n";
        String twice = set.formatted(a, a, a) + set.formatted(b, b, b);
        InMemoryDnsClient dns = new InMemoryDnsClient();
        ArcOutcome outcome = verifier.verify((twice + ArcHops.text(ArcHops.message())).getBytes(StandardCharsets.UTF_8),
                dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(dns.queries()).isEmpty();
    }
}
