package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link DkimSignatureScreen#isBase64String} accepts exactly what the regular expression it replaced accepted
 * (RFC 6376 §2.4 base64string as the screen has always read it).
 */
class DkimBase64StringPropertyTest {

    private static final Pattern REGEX = Pattern.compile("[A-Za-z0-9+/\\s]*={0,2}\\s*");

    @Property(tries = 3000)
    void agreesWithTheRegex(@ForAll("base64ish") String value) {
        assertThat(DkimSignatureScreen.isBase64String(value)).isEqualTo(REGEX.matcher(value).matches());
    }

    @Property(tries = 500)
    void agreesWithTheRegexOnAnyString(@ForAll String value) {
        assertThat(DkimSignatureScreen.isBase64String(value)).isEqualTo(REGEX.matcher(value).matches());
    }

    @Test
    void examples() {
        assertThat(DkimSignatureScreen.isBase64String("OUrneOdm+/9a==")).isTrue();
        assertThat(DkimSignatureScreen.isBase64String("OUrn eOdm\r\n\t+/9a= \r\n")).isTrue();
        assertThat(DkimSignatureScreen.isBase64String("")).isTrue();
        assertThat(DkimSignatureScreen.isBase64String("abc===")).isFalse();
        assertThat(DkimSignatureScreen.isBase64String("ab= cd")).isFalse();
        assertThat(DkimSignatureScreen.isBase64String("ab-cd")).isFalse();
        assertThat(DkimSignatureScreen.isBase64String("abc\u00e9")).isFalse();
    }

    @Provide
    Arbitrary<String> base64ish() {
        return Arbitraries.strings().withChars("aZ09+/= \t\r\n\u000b\f-_\u00e9\u2028").ofMaxLength(24);
    }
}
