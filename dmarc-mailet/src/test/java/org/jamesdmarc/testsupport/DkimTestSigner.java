package org.jamesdmarc.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * Signs test messages with jDKIM's {@link DKIMSigner} using an RSA key generated in the test (no key material in
 * the repository). Publish {@link #txtRecord()} at {@link #keyRecordName()} (a fake DnsClient, or a real loopback
 * DNS zone) and the signatures verify.
 *
 * <pre>
 * DkimTestSigner signer = DkimTestSigner.rsa2048("example.com", "sel1");
 * byte[] signed = signer.sign(message);                   // DKIM-Signature prepended
 * zone.txt(signer.keyRecordName(), signer.txtRecord());  // "v=DKIM1; k=rsa; p=MIIB..."
 * </pre>
 */
public final class DkimTestSigner {

    /** Headers signed by default (From is mandatory, RFC 6376 §5.4). */
    public static final String DEFAULT_SIGNED_HEADERS = "from:to:subject:date:message-id";

    private final String domain;
    private final String selector;
    private final KeyPair keys;

    private DkimTestSigner(String domain, String selector, KeyPair keys) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.keys = keys;
    }

    /** A signer for {@code d=domain; s=selector} with a fresh RSA-2048 key. */
    public static DkimTestSigner rsa2048(String domain, String selector) {
        return rsa(domain, selector, 2048);
    }

    /** A fresh RSA key of {@code bits} (e.g. 512 to test RFC 8301's minimum, 1024, 4096). */
    public static DkimTestSigner rsa(String domain, String selector, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return new DkimTestSigner(domain, selector, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key of " + bits + " bits", e);
        }
    }

    /** The same key under another domain/selector. */
    public DkimTestSigner as(String otherDomain, String otherSelector) {
        return new DkimTestSigner(otherDomain, otherSelector, keys);
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    public PublicKey publicKey() {
        return keys.getPublic();
    }

    /** Where the key record lives: {@code <selector>._domainkey.<domain>} (RFC 6376 §3.6.2.1). */
    public String keyRecordName() {
        return selector + "._domainkey." + domain;
    }

    /** The {@code p=} value: base64 of the DER SubjectPublicKeyInfo (RFC 6376 §3.6.1). */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** The key record's TXT data, {@code v=DKIM1; k=rsa; p=...} (longer than 255 octets: split it when publishing). */
    public String txtRecord() {
        return "v=DKIM1; k=rsa; p=" + publicKeyBase64();
    }

    /**
     * The key record as zone-file TXT RDATA: quoted character-strings of at most 255 octets
     * (RFC 1035 §3.3.14), e.g. for a knot zone: {@code sel1._domainkey IN TXT <this>}.
     */
    public String zoneFileTxtRdata() {
        String record = txtRecord();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < record.length(); i += 255) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append('"').append(record, i, Math.min(record.length(), i + 255)).append('"');
        }
        return sb.toString();
    }

    /** Signs with {@code a=rsa-sha256; c=relaxed/relaxed} over {@link #DEFAULT_SIGNED_HEADERS}. */
    public byte[] sign(byte[] message) {
        return signWithTags(message, "");
    }

    /**
     * Signs with extra or overriding tags appended to the default template, e.g. {@code "c=simple/simple;"},
     * {@code "l=10;"}, {@code "x=1700000000;"}, {@code "i=bob@sub.example.com;"}, {@code "h=from;"}.
     */
    public byte[] signWithTags(byte[] message, String tags) {
        String field = signatureField(message, template(tags));
        return prepend(field, message);
    }

    /** Just the DKIM-Signature header field (no CRLF) for the given full template (must have {@code bh=; b=;}). */
    public String signatureField(byte[] message, String template) {
        try {
            return new DKIMSigner(template, keys.getPrivate()).sign(new ByteArrayInputStream(message));
        } catch (IOException | FailException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    /** The tag-list jDKIM signs: defaults, then {@code tags} replacing any default of the same name. */
    public String template(String tags) {
        java.util.LinkedHashMap<String, String> t = new java.util.LinkedHashMap<>();
        t.put("v", "1");
        t.put("a", "rsa-sha256");
        t.put("c", "relaxed/relaxed");
        t.put("d", domain);
        t.put("s", selector);
        t.put("t", String.valueOf(System.currentTimeMillis() / 1000 - 60));
        t.put("h", DEFAULT_SIGNED_HEADERS);
        for (String tag : tags.split(";")) {
            int eq = tag.indexOf('=');
            if (eq > 0) {
                t.put(tag.substring(0, eq).strip(), tag.substring(eq + 1).strip());
            }
        }
        t.put("bh", "");
        t.put("b", "");
        StringBuilder sb = new StringBuilder();
        t.forEach((k, v) -> sb.append(k).append('=').append(v).append("; "));
        return sb.toString().strip();
    }

    /** {@code field} + CRLF + {@code message}: a new top header field. */
    public static byte[] prepend(String field, byte[] message) {
        byte[] head = (field + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + message.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(message, 0, out, head.length, message.length);
        return out;
    }

    /** A small CRLF message with the headers {@link #DEFAULT_SIGNED_HEADERS} names. */
    public static byte[] sampleMessage(String fromDomain, String body) {
        String text = "From: Alice <alice@" + fromDomain + ">\r\n"
                + "To: bob@example.net\r\n"
                + "Subject: DKIM test\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\n"
                + "Message-ID: <test-1@" + fromDomain + ">\r\n"
                + "\r\n"
                + body;
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
