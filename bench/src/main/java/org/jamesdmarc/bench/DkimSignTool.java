package org.jamesdmarc.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;
import org.jamesdmarc.testsupport.DkimTestSigner;

/**
 * DKIM signing for {@code bench/james-throughput} (its load client is Python without an RSA library):
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.jamesdmarc.bench.DkimSignTool keygen DIR
 *     writes DIR/dkim-private.pk8 (a fresh RSA-2048 key, PKCS#8 DER) and DIR/dkim-txt.zone (the key record's
 *     TXT RDATA for a zone file, split into 255-octet strings); no key is kept in the repository
 * java -cp bench/target/benchmarks.jar org.jamesdmarc.bench.DkimSignTool sign DIR DOMAIN SELECTOR
 *     reads messages from stdin, each a 4-byte big-endian length and the CRLF message, and writes each back the
 *     same way with a DKIM-Signature field prepended (a=rsa-sha256, c=relaxed/relaxed,
 *     h=from:to:subject:date:message-id, jDKIM's signer)
 * </pre>
 */
public final class DkimSignTool {

    private static final String KEY_FILE = "dkim-private.pk8";
    private static final String TXT_FILE = "dkim-txt.zone";

    private DkimSignTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("keygen")) {
            keygen(Path.of(args[1]));
        } else if (args.length == 4 && args[0].equals("sign")) {
            sign(Path.of(args[1]), args[2], args[3]);
        } else {
            System.err.println("usage: DkimSignTool keygen DIR | sign DIR DOMAIN SELECTOR");
            System.exit(2);
        }
    }

    private static void keygen(Path dir) throws IOException {
        Files.createDirectories(dir);
        DkimTestSigner signer = DkimTestSigner.rsa2048("unused.invalid", "unused");
        Files.write(dir.resolve(KEY_FILE), signer.privateKey().getEncoded());
        Files.writeString(dir.resolve(TXT_FILE), signer.zoneFileTxtRdata() + "\n", StandardCharsets.US_ASCII);
    }

    private static void sign(Path dir, String domain, String selector) throws IOException, GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve(KEY_FILE))));
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector + "; t="
                + (System.currentTimeMillis() / 1000 - 60) + "; h=" + DkimTestSigner.DEFAULT_SIGNED_HEADERS
                + "; bh=; b=;";
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 1 << 16));
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException end) {
                break;
            }
            if (length < 0 || length > 64 * 1024 * 1024) {
                throw new IOException("bad frame length " + length);
            }
            byte[] message = in.readNBytes(length);
            if (message.length != length) {
                throw new EOFException("message cut short");
            }
            String field;
            try {
                field = new DKIMSigner(template, key).sign(new ByteArrayInputStream(message));
            } catch (FailException e) {
                throw new IOException("signing failed: " + e.getMessage(), e);
            }
            byte[] signed = DkimTestSigner.prepend(field, message);
            out.writeInt(signed.length);
            out.write(signed);
        }
        out.flush();
    }
}
