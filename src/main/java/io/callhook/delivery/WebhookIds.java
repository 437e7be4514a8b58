package io.callhook.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The Standard Webhooks {@code webhook-id} of an event.
 *
 * <p>Derived from what identifies the event (organization, Call-ID, seq_num) rather than drawn at
 * random, so that every retry, and every resend after a restart, carries the same id and receivers
 * can deduplicate at-least-once deliveries. Hashed so that no Call-ID leaks through the header.
 * Pure and thread-safe.
 */
public final class WebhookIds {

    private static final int ID_CHARS = 24;

    private WebhookIds() {}

    /** {@code "msg_"} + the first 24 characters of base64url(SHA-256("org\ncallId\nseq")). */
    public static String of(String organizationId, String callId, long seqNum) {
        String key = organizationId + "\n" + callId + "\n" + seqNum;
        byte[] hash = sha256().digest(key.getBytes(StandardCharsets.UTF_8));
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, ID_CHARS);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must support SHA-256", e);
        }
    }
}
