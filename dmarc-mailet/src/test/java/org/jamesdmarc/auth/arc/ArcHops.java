package org.jamesdmarc.auth.arc;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.testsupport.DkimTestSigner;

/** Test hops that seal with {@link ArcSigner} (a key made in the test, published in an {@link InMemoryDnsClient}). */
final class ArcHops {

    static final InMemoryDnsClient DNS = new InMemoryDnsClient();
    static final DkimTestSigner LIST = publish(DkimTestSigner.rsa2048("lists.example.org", "arc1"));
    static final DkimTestSigner FORWARDER = publish(DkimTestSigner.rsa2048("fwd.example.net", "s2026"));
    static final DkimTestSigner RELAY = publish(DkimTestSigner.rsa2048("relay.example.com", "r"));

    private ArcHops() {
    }

    static DkimTestSigner publish(DkimTestSigner key) {
        DNS.txt(key.keyRecordName(), key.txtRecord());
        return key;
    }

    static ArcSigner signer(DkimTestSigner key, String canonicalization) {
        return new ArcSigner(DomainName.of(key.domain()), key.selector(), key.privateKey(), canonicalization,
                ArcSigner.DEFAULT_SIGNED_FIELDS);
    }

    /** {@code message} sealed by {@code key} (relaxed/relaxed) after validating its chain with our verifier. */
    static byte[] seal(byte[] message, DkimTestSigner key) {
        return seal(message, signer(key, "relaxed/relaxed"));
    }

    static byte[] seal(byte[] message, ArcSigner signer) {
        return seal(message, signer, new ArcVerifier().verify(message, DNS));
    }

    /** {@code message} sealed for a chain validated as {@code chain} (e.g. before a list rewrote the message). */
    static byte[] seal(byte[] message, ArcSigner signer, ArcOutcome chain) {
        String results = "mx." + "hop.example; spf=pass smtp.mailfrom=example.com; arc=" + chain.result().keyword();
        ArcSigner.Sealing sealing = signer.seal(message, chain, results, 1_700_000_000L);
        if (!(sealing instanceof ArcSigner.Sealed sealed)) {
            throw new IllegalStateException("not sealed: " + sealing);
        }
        return prepend(sealed.fields(), message);
    }

    static byte[] prepend(List<HeaderField> fields, byte[] message) {
        StringBuilder head = new StringBuilder();
        for (HeaderField f : fields) {
            head.append(f.name()).append(':').append(f.value()).append("\r\n");
        }
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + message.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(message, 0, out, h.length, message.length);
        return out;
    }

    static byte[] message() {
        return DkimTestSigner.sampleMessage("example.com", "Hello list,\r\nthe body.\r\n");
    }

    static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
