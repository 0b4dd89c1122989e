package org.jamesdmarc.auth;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.HeaderField;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trusted extraction of SPF/DKIM from Authentication-Results, including "Composition Kills" injections. */
class AuthenticationResultsTrustTest {

    private final TrustedAuthResultsExtractor extractor =
            new TrustedAuthResultsExtractor(List.of("mx.example.org", "Relay.Example.Org"));

    private static List<HeaderField> ar(String... values) {
        return java.util.Arrays.stream(values).map(v -> new HeaderField("Authentication-Results", v)).toList();
    }

    private TrustedAuthResults extract(String... values) {
        return extractor.extract(ar(values));
    }

    private static List<IgnoredResult.Reason> reasons(TrustedAuthResults r) {
        return r.ignored().stream().map(IgnoredResult::reason).toList();
    }

    @Test
    void spfAndDkimFromTrustedField() {
        TrustedAuthResults r = extract("mx.example.org; spf=pass smtp.mailfrom=bounce@Mail.Example.NET; "
                + "dkim=pass header.d=example.com header.s=s1; dkim=fail reason=\"bad sig\" header.d=example.net header.s=s2");
        assertThat(r.spf()).contains(new SpfOutcome(SpfResult.PASS, DomainName.of("mail.example.net"), SpfScope.MFROM));
        assertThat(r.dkim()).containsExactly(new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "s1", ""),
                new DkimOutcome(DkimResult.FAIL, DomainName.of("example.net"), "s2", "bad sig"));
        assertThat(r.ignored()).isEmpty();
    }

    @Test
    void authservIdComparedCaseInsensitively() {
        assertThat(extract("MX.EXAMPLE.ORG; spf=pass smtp.mailfrom=example.net").spf()).isPresent();
        assertThat(extract("relay.example.org; spf=pass smtp.mailfrom=example.net").spf()).isPresent();
    }

    @Test
    void untrustedAuthservIdIgnored() {
        TrustedAuthResults r = extract("evil.example; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com");
        assertThat(r.spf()).isEmpty();
        assertThat(r.dkim()).isEmpty();
        assertThat(reasons(r)).containsExactly(IgnoredResult.Reason.UNTRUSTED_AUTHSERV_ID);
        assertThat(r.ignored().get(0).authservId()).contains("evil.example");
    }

    @Test
    void trustedIdAsSubstringOfUntrustedIdIsNotTrusted() {
        assertThat(extract("mx.example.org.evil.example; spf=pass smtp.mailfrom=example.com").spf()).isEmpty();
        assertThat(extract("\"mx.example.org x\"; spf=pass smtp.mailfrom=example.com").spf()).isEmpty();
    }

    @Test
    void heloScopeWhenMailfromIsNullOrAbsent() {
        assertThat(extract("mx.example.org; spf=pass smtp.helo=mta.example.net").spf())
                .contains(new SpfOutcome(SpfResult.PASS, DomainName.of("mta.example.net"), SpfScope.HELO));
        assertThat(extract("mx.example.org; spf=pass smtp.mailfrom=<> smtp.helo=mta.example.net").spf())
                .contains(new SpfOutcome(SpfResult.PASS, DomainName.of("mta.example.net"), SpfScope.HELO));
        assertThat(extract("mx.example.org; spf=pass smtp.mailfrom=a@example.com smtp.helo=mta.example.net").spf())
                .contains(new SpfOutcome(SpfResult.PASS, DomainName.of("example.com"), SpfScope.MFROM));
    }

    @Test
    void spfNoneWithoutIdentityIsNone() {
        assertThat(extract("mx.example.org; spf=none").spf()).contains(SpfOutcome.none());
        TrustedAuthResults r = extract("mx.example.org; spf=pass");
        assertThat(r.spf()).isEmpty();
        assertThat(reasons(r)).containsExactly(IgnoredResult.Reason.MISSING_IDENTITY);
    }

    @Test
    void topmostTrustedSpfWins() {
        TrustedAuthResults r = extract("mx.example.org; spf=fail smtp.mailfrom=example.com",
                "mx.example.org; spf=pass smtp.mailfrom=example.com");
        assertThat(r.spf()).contains(new SpfOutcome(SpfResult.FAIL, DomainName.of("example.com"), SpfScope.MFROM));
        assertThat(reasons(r)).containsExactly(IgnoredResult.Reason.SUPERSEDED);
    }

    @Test
    void dkimFallsBackToHeaderI() {
        assertThat(extract("mx.example.org; dkim=pass header.i=@sub.example.com header.s=k").dkim())
                .containsExactly(new DkimOutcome(DkimResult.PASS, DomainName.of("sub.example.com"), "k", ""));
        assertThat(extract("mx.example.org; dkim=pass header.i=user@example.com").dkim())
                .containsExactly(new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "", ""));
    }

    @Test
    void unknownResultKeywordIgnored() {
        TrustedAuthResults r = extract("mx.example.org; dkim=great header.d=example.com; spf=wonderful smtp.mailfrom=example.com");
        assertThat(r.dkim()).isEmpty();
        assertThat(r.spf()).isEmpty();
        assertThat(reasons(r)).containsOnly(IgnoredResult.Reason.UNKNOWN_RESULT);
    }

    @Test
    void otherMethodsAreNotReported() {
        TrustedAuthResults r = extract("mx.example.org; iprev=pass policy.iprev=192.0.2.1; dmarc=pass header.from=example.com");
        assertThat(r.spf()).isEmpty();
        assertThat(r.dkim()).isEmpty();
        assertThat(r.ignored()).isEmpty();
    }

    // ---- Composition Kills (Chen et al. 2020) / CVE-2020-12272 ----

    @Test
    void cve2020_12272UnterminatedCommentYieldsNothing() {
        TrustedAuthResults r = extract("mx.example.org; dkim=pass header.d=example.net(.example.com header.s=sel");
        assertThat(r.dkim()).isEmpty();
        assertThat(reasons(r)).containsExactly(IgnoredResult.Reason.MALFORMED_FIELD);
    }

    @Test
    void commentTouchingDomainYieldsNothing() {
        TrustedAuthResults r = extract("mx.example.org; dkim=pass header.d=good.com(.evil.com) header.s=sel; "
                + "spf=pass smtp.mailfrom=good.com(.evil.com)");
        assertThat(r.dkim()).isEmpty();
        assertThat(r.spf()).isEmpty();
        assertThat(reasons(r)).containsOnly(IgnoredResult.Reason.COMMENT_ATTACHED);
    }

    @Test
    void smuggledPropertyAfterCommentYieldsNothing() {
        // A DNS name "good.com(x)a.b=c.evil.com" reproduced verbatim by a verifier parses as
        // header.d=good.com, a comment, and a property "a.b": refused on the unregistered ptype.
        TrustedAuthResults r = extract("mx.example.org; dkim=pass header.d=good.com (x) a.b=c.evil.com header.s=sel");
        assertThat(r.dkim()).isEmpty();
        assertThat(reasons(r)).containsExactly(IgnoredResult.Reason.UNREGISTERED_PTYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mx.example.org; dkim=pass header.d=\"good.com(.evil.com\"",
        "mx.example.org; dkim=pass header.d=\"good.com\\\".evil.com\"",
        "mx.example.org; dkim=pass header.d=\"good.com evil.com\"",
        "mx.example.org; dkim=pass header.d=good.com)evil.com",
        "mx.example.org; dkim=pass header.d=good_com.evil.com",
        "mx.example.org; dkim=pass header.d=good.com\\.evil.com",
        "mx.example.org; dkim=pass header.d=-good.com",
        "mx.example.org; dkim=pass header.d=com",
        "mx.example.org; dkim=pass header.d=good..com",
        "mx.example.org; dkim=pass header.d=good.com@",
        "mx.example.org; dkim=pass header.d=[192.0.2.1]",
    })
    void invalidDomainsNeverPass(String value) {
        TrustedAuthResults r = extract(value);
        assertThat(r.dkim()).isEmpty();
        assertThat(r.ignored()).isNotEmpty();
    }

    @Test
    void nulInsideIdentifierYieldsNothing() {
        TrustedAuthResults r = extract("mx.example.org; dkim=pass header.d=good.com\0.evil.com");
        assertThat(r.dkim()).isEmpty();
        assertThat(reasons(r)).containsExactly(IgnoredResult.Reason.MALFORMED_FIELD);
    }

    @Test
    void duplicateIdentityYieldsNothing() {
        TrustedAuthResults r = extract("mx.example.org; dkim=pass header.d=evil.com header.d=good.com; "
                + "spf=pass smtp.mailfrom=a@evil.com smtp.mailfrom=b@good.com");
        assertThat(r.dkim()).isEmpty();
        assertThat(r.spf()).isEmpty();
        assertThat(reasons(r)).containsOnly(IgnoredResult.Reason.DUPLICATE_PROPERTY);
    }

    @Test
    void injectedResinfoInsideQuotedOrCommentIsNotAResult() {
        TrustedAuthResults r = extract(
                "mx.example.org; dkim=fail header.d=evil.com header.b=\"x; dkim=pass header.d=good.com\" (y; dkim=pass header.d=good.com)");
        assertThat(r.dkim()).containsExactly(new DkimOutcome(DkimResult.FAIL, DomainName.of("evil.com"), "", ""));
    }

    @Test
    void mailfromAddressWithTrickyLocalPart() {
        assertThat(extract("mx.example.org; spf=pass smtp.mailfrom=\"a@good.com\"@evil.com").spf())
                .contains(new SpfOutcome(SpfResult.PASS, DomainName.of("evil.com"), SpfScope.MFROM));
        assertThat(extract("mx.example.org; spf=pass smtp.mailfrom=\"x@evil.com (good.com\"").spf()).isEmpty();
    }

    @Test
    void nonHeaderArFieldsAreSkippedAndNamesAreCaseInsensitive() {
        TrustedAuthResults r = extractor.extract(List.of(
                new HeaderField("X-Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=example.com"),
                new HeaderField("authentication-results", "mx.example.org; spf=pass smtp.mailfrom=example.com")));
        assertThat(r.spf()).contains(new SpfOutcome(SpfResult.PASS, DomainName.of("example.com"), SpfScope.MFROM));
    }

    @Test
    void idnDomainsAreNormalisedToALabels() {
        assertThat(extract("mx.example.org; dkim=pass header.d=bücher.example header.s=s").dkim())
                .extracting(DkimOutcome::domain).containsExactly(Optional.of(DomainName.of("xn--bcher-kva.example")));
    }

    @Test
    void onlyTheTopmostFieldsAreRead() {
        // A flood of forged fields carrying the trusted id: the topmost few are read, the rest summarised.
        String[] values = new String[12_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = "mx.example.org; dkim=pass header.d=d" + i + ".x1.x2.x3.x4.x5.x6.x7.example.com";
        }
        TrustedAuthResults r = extract(values);
        assertThat(r.dkim()).hasSize(TrustedAuthResultsExtractor.MAX_FIELDS);
        assertThat(r.dkim().get(0).domain()).contains(DomainName.of("d0.x1.x2.x3.x4.x5.x6.x7.example.com"));
        assertThat(r.ignored()).singleElement().satisfies(i -> {
            assertThat(i.reason()).isEqualTo(IgnoredResult.Reason.LIMIT_REACHED);
            assertThat(i.detail()).contains("11995 more");
        });
    }

    @Test
    void atMostTenDkimResultsAreTaken() {
        StringBuilder field = new StringBuilder("mx.example.org");
        for (int i = 0; i < 40; i++) {
            field.append("; dkim=pass header.d=d").append(i).append(".example.com");
        }
        TrustedAuthResults r = extract(field.toString());
        assertThat(r.dkim()).hasSize(TrustedAuthResultsExtractor.MAX_DKIM_RESULTS);
        assertThat(r.dkim().get(0).domain()).contains(DomainName.of("d0.example.com"));
        assertThat(reasons(r)).hasSize(30).containsOnly(IgnoredResult.Reason.LIMIT_REACHED);
    }

    @Test
    void emptyTrustSetTrustsNothing() {
        TrustedAuthResultsExtractor none = new TrustedAuthResultsExtractor(List.of());
        TrustedAuthResults r = none.extract(ar("mx.example.org; spf=pass smtp.mailfrom=example.com"));
        assertThat(r.spf()).isEmpty();
        assertThat(none.isTrusted("mx.example.org")).isFalse();
        assertThat(Optional.of(r.ignored().get(0).reason())).contains(IgnoredResult.Reason.UNTRUSTED_AUTHSERV_ID);
    }
}
