package org.jamesdmarc.auth;

import java.util.List;
import java.util.Objects;

import org.apache.james.jdkim.api.Headers;

/**
 * The message's header fields as jDKIM's {@code DKIMVerifier.newBodyHasher(Headers)} should see them to verify
 * exactly one signature: its first request for "DKIM-Signature" (the list of signatures to verify) is answered
 * with that one field; every later request (hashing the fields named in h=, which may include DKIM-Signature)
 * sees the real header. jDKIM 0.3 makes that list request once, before anything else.
 */
final class SingleSignatureHeaders implements Headers {

    private final Headers message;
    private final String signatureField;
    private boolean signatureListServed;

    SingleSignatureHeaders(Headers message, String signatureField) {
        this.message = Objects.requireNonNull(message, "message");
        this.signatureField = Objects.requireNonNull(signatureField, "signatureField");
    }

    @Override
    public List<String> getFields() {
        return message.getFields();
    }

    @Override
    public List<String> getFields(String name) {
        if (!signatureListServed && "DKIM-Signature".equalsIgnoreCase(name)) {
            signatureListServed = true;
            return List.of(signatureField);
        }
        return message.getFields(name);
    }
}
