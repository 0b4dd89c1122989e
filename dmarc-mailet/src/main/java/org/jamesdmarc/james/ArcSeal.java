package org.jamesdmarc.james;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSigner;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.AuthResParseResult;
import org.jamesdmarc.mail.AuthenticationResultsParser;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.mail.MethodResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds an ARC set (RFC 8617 §5.1) to the mail James forwards or expands (forwards, RRT redirections, mailing
 * lists), so the next receiver can rely on the results we saw. The ARC-Authentication-Results records our own
 * Authentication-Results (the topmost one with our {@code authservId}, written by {@link DmarcCheck} on arrival);
 * the chain status {@code cv=} is the {@code arc=} result in it (the chain as it arrived, before a list rewrote the
 * message); the ARC-Message-Signature and ARC-Seal are rsa-sha256 with the key configured.
 *
 * <pre>{@code
 * <mailet match="RecipientIs=list@lists.example.org" class="org.jamesdmarc.james.ArcSeal">
 *   <domain>lists.example.org</domain>
 *   <selector>arc1</selector>
 *   <privateKeyFilepath>conf/arc-private.pem</privateKeyFilepath>
 *   <authservId>mx.example.org</authservId>
 * </mailet>
 * }</pre>
 *
 * <table>
 * <caption>Parameters</caption>
 * <tr><th>name</th><th>value</th><th>default</th></tr>
 * <tr><td>{@code domain}</td><td>the sealer's domain, the {@code d=} (required)</td><td></td></tr>
 * <tr><td>{@code selector}</td><td>the key's selector, {@code s=}; publish the public key at
 *     {@code <selector>._domainkey.<domain>} as for DKIM (required)</td><td></td></tr>
 * <tr><td>{@code privateKeyFilepath}</td><td>PEM file of the RSA private key (at least 1024 bits), PKCS#8
 *     ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), unencrypted, as {@code DKIMSign}
 *     reads its key (required)</td><td></td></tr>
 * <tr><td>{@code authservId}</td><td>our authserv-id: whose Authentication-Results to record (required; the
 *     {@code DmarcCheck} {@code authservId})</td><td></td></tr>
 * <tr><td>{@code canonicalization}</td><td>the ARC-Message-Signature's {@code c=}</td><td>{@code relaxed/relaxed}</td></tr>
 * <tr><td>{@code signedHeaders}</td><td>field names the ARC-Message-Signature signs, comma-separated (From
 *     required)</td><td>From, To, Cc, Subject, Date, Message-ID, Reply-To, In-Reply-To, References,
 *     MIME-Version, Content-Type, Content-Transfer-Encoding, List-Id, List-Post, DKIM-Signature</td></tr>
 * </table>
 *
 * <p>Mail attribute {@value #SEALED_ATTRIBUTE}: {@code i=<instance>} when a set was added, {@code refused: <why>}
 * when not (a broken chain, or 50 sets already, RFC 8617 §5.1.2), {@code error: <why>} when sealing failed; the mail
 * goes on in every case. Place it after the mailets that modify the message (list footers, Subject tags), last
 * before delivery.
 */
public final class ArcSeal extends GenericMailet {

    /** Mail attribute saying what this mailet did with the mail. */
    public static final String SEALED_ATTRIBUTE = "org.jamesdmarc.arcSeal";

    private static final Logger LOGGER = LoggerFactory.getLogger(ArcSeal.class);

    private ArcSigner signer;
    private String authservId;

    @Override
    public void init() throws MessagingException {
        DomainName domain = DomainName.parse(required("domain"))
                .orElseThrow(() -> new MessagingException("ArcSeal: domain is not a domain name"));
        String selector = required("selector");
        Path keyFile = Path.of(required("privateKeyFilepath"));
        authservId = required("authservId");
        String canonicalization = getInitParameter("canonicalization", "relaxed/relaxed").strip();
        List<String> signed = ArcSigner.DEFAULT_SIGNED_FIELDS;
        String configured = getInitParameter("signedHeaders", "");
        if (!configured.isBlank()) {
            signed = Arrays.stream(configured.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        try {
            signer = new ArcSigner(domain, selector, readKey(keyFile), canonicalization, signed);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new MessagingException("ArcSeal: " + e.getMessage(), e);
        }
    }

    private String required(String name) throws MessagingException {
        String v = getInitParameter(name);
        if (v == null || v.isBlank()) {
            throw new MessagingException("ArcSeal: parameter " + name + " is required");
        }
        return v.strip();
    }

    @Override
    public void service(Mail mail) {
        try {
            byte[] message = MailContexts.bytes(mail);
            HeaderSection header = HeaderSection.parse(message);
            Optional<String> ours = header.fieldsNamed("Authentication-Results").stream().map(HeaderField::value)
                    .filter(v -> AuthenticationResultsParser.authservId(v).filter(authservId::equalsIgnoreCase).isPresent())
                    .findFirst();
            String recorded = ours.map(v -> v.replaceAll("[ \\t]+", " ")).orElse(authservId + "; none");
            ArcSigner.Sealing sealing = signer.seal(message, arcStatus(recorded), recorded,
                    System.currentTimeMillis() / 1000);
            if (sealing instanceof ArcSigner.Sealed sealed) {
                List<String> lines = new ArrayList<>();
                for (HeaderField f : sealed.fields()) {
                    lines.add(f.name() + ":" + f.value());
                }
                HeaderEditor.prependRaw(mail.getMessage(), lines);
                mark(mail, "i=" + sealed.instance());
            } else if (sealing instanceof ArcSigner.Refused refused) {
                mark(mail, "refused: " + refused.refusal().name().toLowerCase(java.util.Locale.ROOT));
            }
        } catch (Exception e) {
            LOGGER.warn("Cannot ARC-seal mail {}", mail.getName(), e);
            mark(mail, "error: " + e.getClass().getSimpleName());
        }
    }

    /** The {@code arc=} result recorded in our Authentication-Results; none when absent (the sealer decides). */
    private static ArcResult arcStatus(String authResults) {
        if (AuthenticationResultsParser.parse(authResults) instanceof AuthResParseResult.Parsed parsed) {
            for (MethodResult r : parsed.results().results()) {
                if (r.method().equals("arc")) {
                    return switch (r.result()) {
                        case "pass" -> ArcResult.PASS;
                        case "none" -> ArcResult.NONE;
                        case "temperror" -> ArcResult.TEMPERROR;
                        default -> ArcResult.FAIL;
                    };
                }
            }
        }
        return ArcResult.NONE;
    }

    private static void mark(Mail mail, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(SEALED_ATTRIBUTE), AttributeValue.of(value)));
    }

    /** An unencrypted RSA private key, PEM PKCS#8 or PKCS#1 (wrapped into PKCS#8 for the JDK). */
    static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        if (!pkcs1 && !pem.contains("BEGIN PRIVATE KEY")) {
            throw new GeneralSecurityException(file + ": no unencrypted PEM private key");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        if (pkcs1) {
            // PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING { RSAPrivateKey } }
            byte[] algorithm = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
                    (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
            byte[] octets = der(0x04, der);
            byte[] body = new byte[algorithm.length + octets.length];
            System.arraycopy(algorithm, 0, body, 0, algorithm.length);
            System.arraycopy(octets, 0, body, algorithm.length, octets.length);
            der = der(0x30, body);
        }
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    @Override
    public String getMailetInfo() {
        return "ARC sealer (RFC 8617)";
    }
}
