package io.callhook.testing;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A receiver's check of Standard Webhooks 1.0 signatures, written from the specification and
 * nothing else: it shares no code with callhook's signer (the HMAC is BouncyCastle's, not the
 * JDK's), so the two agreeing means both read the spec the same way.
 *
 * <p>The spec: the signed content is {@code msg_id + "." + timestamp + "." + payload}; the key is the
 * base64 part of {@code whsec_<base64>}, decoded; {@code webhook-signature} is a space-separated
 * list of {@code v1,<base64(HMAC-SHA256)>}; receivers compare in constant time and refuse
 * timestamps too far from their clock (five minutes is the suggested tolerance).
 */
public final class StandardWebhooksVerifier {

    public static final long TOLERANCE_SECONDS = 5 * 60;

    private final byte[] key;

    public StandardWebhooksVerifier(String secret) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("a Standard Webhooks secret starts with whsec_");
        }
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    /** The expected {@code v1,…} value for these headers and body. */
    public String expected(String msgId, String timestamp, byte[] payload) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        byte[] prefix = (msgId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        mac.update(prefix, 0, prefix.length);
        mac.update(payload, 0, payload.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return "v1," + Base64.getEncoder().encodeToString(out);
    }

    /**
     * Whether the request is authentic: one of the listed v1 signatures matches, and the timestamp
     * is within the tolerance of {@code nowSeconds}.
     */
    public boolean verify(String msgId, String timestamp, String signatureHeader, byte[] payload, long nowSeconds) {
        if (msgId == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS) {
            return false;
        }
        byte[] expected = expected(msgId, timestamp, payload).getBytes(StandardCharsets.US_ASCII);
        for (String candidate : signatureHeader.split(" ")) {
            if (candidate.startsWith("v1,")
                    && MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }
}
