package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class OwnAuthResultsRemoverTest {

    private final OwnAuthResultsRemover remover = new OwnAuthResultsRemover("mx.example.org");

    private static HeaderField ar(String v) {
        return new HeaderField("Authentication-Results", v);
    }

    @Test
    void forgedFieldWithOurIdIsRemoved() {
        List<HeaderField> fields = List.of(
                new HeaderField("Received", "from a by b; date"),
                ar("mx.example.org; dkim=pass header.d=paypal.com; dmarc=pass header.from=paypal.com"),
                ar("other.example.net; spf=pass smtp.mailfrom=example.com"),
                new HeaderField("Subject", "mx.example.org"));
        assertThat(remover.indexesToRemove(fields)).containsExactly(1);
        assertThat(remover.retained(fields)).containsExactly(fields.get(0), fields.get(2), fields.get(3));
    }

    @Test
    void caseQuotesCommentsAndTrailingDotDoNotHideOurId() {
        assertThat(remover.claimsOurId("MX.Example.ORG; none")).isTrue();
        assertThat(remover.claimsOurId("(forged) \"mx.example.org\" 1; spf=pass smtp.mailfrom=x.com")).isTrue();
        assertThat(remover.claimsOurId("mx.example.org.; none")).isTrue();
        assertThat(new OwnAuthResultsRemover("MX.EXAMPLE.ORG.").claimsOurId("mx.example.org; none")).isTrue();
    }

    @Test
    void fieldNameIsCaseInsensitive() {
        List<HeaderField> fields = List.of(new HeaderField("authentication-RESULTS", "mx.example.org; none"));
        assertThat(remover.indexesToRemove(fields)).containsExactly(0);
    }

    @Test
    void malformedFieldMentioningOurIdIsRemoved() {
        assertThat(remover.claimsOurId("mx.example.org; dkim=pass header.d=good.com(.evil.com")).isTrue();
        assertThat(remover.claimsOurId("(mx.example.org; dkim=pass")).isTrue();
        assertThat(remover.claimsOurId("mx.example.org\0; dkim=pass header.d=good.com")).isTrue();
    }

    @Test
    void otherIdsAreKept() {
        assertThat(remover.claimsOurId("mx.example.org.evil.example; none")).isFalse();
        assertThat(remover.claimsOurId("evil.example; spf=pass (mx.example.org said so) smtp.mailfrom=example.com"))
                .as("well-formed field of another server, our name only in a comment").isFalse();
        assertThat(remover.claimsOurId("x.mx.example.org; none")).isFalse();
    }

    @Test
    void otherHeaderFieldsUntouched() {
        List<HeaderField> fields = List.of(new HeaderField("X-Authentication-Results", "mx.example.org; none"),
                new HeaderField("ARC-Authentication-Results", "i=1; mx.example.org; none"));
        assertThat(remover.indexesToRemove(fields)).isEmpty();
        assertThat(remover.retained(fields)).isEqualTo(fields);
    }

    @Test
    void blankOwnIdIsAProgrammingError() {
        assertThatThrownBy(() -> new OwnAuthResultsRemover(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forgedFieldsAreCountedAsJavaMailCountsThemEvenAfterABareCr() throws Exception {
        // javax.mail (the message James keeps, and the mailet that removes forged fields) ends a line at a bare CR:
        // the field hidden behind it is an Authentication-Results field of its own there, and must be one here.
        String raw = "X-A: b\rAuthentication-Results: mx.example.org; dmarc=pass header.from=bank.example\r\n"
                + "Authentication-Results: upstream.example; spf=pass smtp.mailfrom=bank.example\r\n"
                + "From: a@bank.example\r\n\r\nbody\r\n";
        byte[] bytes = raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String[] javaMail = new javax.mail.internet.MimeMessage(javax.mail.Session.getInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(bytes)).getHeader("Authentication-Results");

        AuthResultsFields scan = remover.scan(HeaderSection.parse(bytes));

        assertThat(scan.all()).hasSize(javaMail.length).hasSize(2);
        assertThat(scan.forged()).containsExactly(0);
    }
}
