package io.callhook.delivery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Standard Webhooks 1.0 signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256>} over
 * {@code "<webhook-id>.<webhook-timestamp>.<body>"}, keyed with the base64-decoded part of the
 * {@code whsec_<base64>} secret. The timestamp is whole seconds since the epoch, fresh per attempt,
 * so receivers can refuse replays older than their tolerance. Pure and thread-safe.
 */
public final class Signer {

    static final String PREFIX = "whsec_";
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    private Signer(byte[] key) {
        this.key = new SecretKeySpec(key, HMAC);
    }

    /** @param secret {@code whsec_<base64>}; the prefix is optional, as in the reference libraries */
    public static Signer of(String secret) {
        String base64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return new Signer(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook secret must be whsec_ followed by base64 (value not shown)");
        }
    }

    /** The {@code webhook-signature} header value: {@code v1,<base64>}. */
    public String sign(String webhookId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform must support " + HMAC, e);
        }
    }
}
