package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;

import org.jamesdmarc.dns.CacheableAnswer;
import org.jamesdmarc.dns.CachingDnsClient;
import org.jamesdmarc.dns.DnsCache;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.dns.testing.MutableClock;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.Test;

/**
 * The parsed key records a {@link DkimVerifier} keeps between messages ({@link DkimKeyCache}): behind the
 * production DNS cache, a key record changed in DNS is used once the old answer's TTL has run out, and a bad key
 * fails the same way on every message.
 */
class DkimKeyCacheTest {

    private static final DkimTestSigner OLD_KEY = DkimTestSigner.rsa2048("example.com", "sel1");
    private static final DkimTestSigner NEW_KEY = DkimTestSigner.rsa2048("example.com", "sel1");
    private static final byte[] MESSAGE = DkimTestSigner.sampleMessage("example.com", "Hello,\r\n\r\nkeys rotate.\r\n");
    private static final long TTL = 300;

    private final MutableClock clock = new MutableClock();
    /** The zone DNS serves now; replaced to change a record. */
    private final AtomicReference<InMemoryDnsClient> zone = new AtomicReference<>(new InMemoryDnsClient());
    private final CachingDnsClient dns = new CachingDnsClient(
            (name, type) -> CacheableAnswer.of(zone.get().query(name, type), OptionalLong.of(TTL)),
            new DnsCache(DnsSettings.defaults(), clock));
    private final DkimVerifier verifier = new DkimVerifier(dns);

    private DkimResult verify(DkimTestSigner signer) {
        return verifier.verify(signer.sign(MESSAGE)).get(0).result();
    }

    @Test
    void messagesShareOneParsedRecord() {
        zone.set(new InMemoryDnsClient().txt(OLD_KEY.keyRecordName(), OLD_KEY.txtRecord()));

        assertThat(verify(OLD_KEY)).isEqualTo(DkimResult.PASS);
        assertThat(verify(OLD_KEY)).isEqualTo(DkimResult.PASS);

        assertThat(verifier.keyCache().size()).isEqualTo(1);
        assertThat(verifier.keyCache().record(OLD_KEY.txtRecord()))
                .isSameAs(verifier.keyCache().record(OLD_KEY.txtRecord()));
    }

    @Test
    void aChangedKeyRecordIsUsedOnceTheOldAnswerExpires() {
        zone.set(new InMemoryDnsClient().txt(OLD_KEY.keyRecordName(), OLD_KEY.txtRecord()));
        assertThat(verify(OLD_KEY)).isEqualTo(DkimResult.PASS);

        zone.set(new InMemoryDnsClient().txt(NEW_KEY.keyRecordName(), NEW_KEY.txtRecord())); // key rotated
        clock.advance(Duration.ofSeconds(TTL - 1));
        assertThat(verify(OLD_KEY)).as("old answer still cached by DNS").isEqualTo(DkimResult.PASS);
        assertThat(verify(NEW_KEY)).isEqualTo(DkimResult.FAIL);

        clock.advance(Duration.ofSeconds(1));
        assertThat(verify(NEW_KEY)).isEqualTo(DkimResult.PASS);
        assertThat(verify(OLD_KEY)).as("the old parsed key is not used any more").isEqualTo(DkimResult.FAIL);
    }

    @Test
    void aRevokedKeyIsHonouredAfterTheTtl() {
        zone.set(new InMemoryDnsClient().txt(OLD_KEY.keyRecordName(), OLD_KEY.txtRecord()));
        assertThat(verify(OLD_KEY)).isEqualTo(DkimResult.PASS);

        zone.set(new InMemoryDnsClient().txt(OLD_KEY.keyRecordName(), "v=DKIM1; k=rsa; p="));
        clock.advance(Duration.ofSeconds(TTL));

        assertThat(verifier.verify(OLD_KEY.sign(MESSAGE))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.PERMERROR);
            assertThat(o.reason()).isEqualTo("key revoked (empty p=)");
        });
    }

    @Test
    void anUndecodableKeyIsAPermerrorOnEveryMessage() {
        zone.set(new InMemoryDnsClient().txt(OLD_KEY.keyRecordName(), "v=DKIM1; k=rsa; p=AAAAbm90IGEga2V5"));

        DkimOutcome first = verifier.verify(OLD_KEY.sign(MESSAGE)).get(0);
        DkimOutcome second = verifier.verify(OLD_KEY.sign(MESSAGE)).get(0);

        assertThat(first.result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(first.reason()).isEqualTo("invalid public key");
        assertThat(second).isEqualTo(first);
        assertThat(verifier.keyCache().size()).isEqualTo(1);
    }

    @Test
    void anInvalidRecordFailsValidationEveryTime() {
        DkimKeyCache cache = new DkimKeyCache();
        String text = "v=DKIM2; k=rsa; p=" + OLD_KEY.publicKeyBase64(); // RFC 6376 §3.6.1: v= must be DKIM1

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cache.record(text).validate()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aBadKeyFailsOnEveryCall() {
        DkimKeyCache cache = new DkimKeyCache();
        String text = "v=DKIM1; k=rsa; p=AAAAbm90IGEga2V5";

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cache.record(text).getPublicKey()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void holdsAtMostItsCapacityLeastRecentlyUsedFirst() {
        DkimKeyCache cache = new DkimKeyCache(2);
        String a = OLD_KEY.txtRecord();
        String b = NEW_KEY.txtRecord();
        String c = "v=DKIM1; k=rsa; t=y; p=" + OLD_KEY.publicKeyBase64();

        Object first = cache.record(a);
        cache.record(b);
        cache.record(a); // a is now the most recently used
        cache.record(c); // evicts b

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.record(a)).isSameAs(first);
        assertThat(cache.record(a).getPublicKey()).isEqualTo(OLD_KEY.publicKey());
    }

    @Test
    void refusesAnEmptyCapacity() {
        assertThatThrownBy(() -> new DkimKeyCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
    @Test
    void theGranularityPatternIsJdkimsOwnCompiledOnce() {
        for (String g : new String[] {"", "g=; ", "g=*; ", "g=jo*hn; ", "g=*john; ", "g=john-doe_2; "}) {
            String text = "v=DKIM1; " + g + "k=rsa; p=" + OLD_KEY.txtRecord().replaceAll("(?s).*p=", "");
            PublicKeyRecord cached = new DkimKeyCache().record(text);
            Pattern jdkims = new PublicKeyRecordImpl(text).getGranularityPattern();

            assertThat(cached.getGranularityPattern().pattern()).as(g).isEqualTo(jdkims.pattern());
            assertThat(cached.getGranularityPattern().flags()).as(g).isEqualTo(jdkims.flags());
            assertThat(cached.getGranularityPattern()).as(g).isSameAs(cached.getGranularityPattern());
        }
    }

    @Test
    void aGranularityJdkimRefusesIsRefusedEveryTime() {
        for (String g : new String[] {"*a*b*", "a**b", "x.y+z"}) {
            String text = "v=DKIM1; g=" + g + "; k=rsa; p=" + OLD_KEY.txtRecord().replaceAll("(?s).*p=", "");
            PublicKeyRecord cached = new DkimKeyCache().record(text);
            Throwable jdkims = catchThrowable(() -> new PublicKeyRecordImpl(text).getGranularityPattern());

            assertThat(jdkims).as(g).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(cached::getGranularityPattern).as(g)
                    .isInstanceOf(IllegalStateException.class).hasMessage(jdkims.getMessage());
            assertThatThrownBy(cached::getGranularityPattern).as(g)
                    .isInstanceOf(IllegalStateException.class).hasMessage(jdkims.getMessage());
        }
    }

    @Test
    void jdkimGetsTheScreenedSignatureRecordForTheSameTextOnly() {
        String value = " v=1; a=rsa-sha256; d=example.com; s=sel1; h=from; bh=AAAA; b=AAAA";
        SignatureRecordImpl screened = new SignatureRecordImpl(value);
        DKIMVerifier jdkim = new DkimKeyCache().verifier((method, selector, token) -> null, Map.of(value, screened)::get);

        assertThat(jdkim.newSignatureRecord(new String(value))).isSameAs(screened);
        SignatureRecord other = jdkim.newSignatureRecord(value + " ");
        assertThat(other).isNotSameAs(screened);
        assertThat(other.getDToken().toString()).isEqualTo("example.com");
    }
}
