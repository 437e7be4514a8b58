package io.callhook.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The Standard Webhooks {@code webhook-id} of an event.
 *
 * <p>Computed once, when the event is made ({@link PendingEvent#of}), and stored with it in the
 * outbox; every retry, every resend after a restart and every {@code outbox replay} reads the stored
 * id, so receivers can deduplicate at-least-once deliveries on it.
 *
 * <p>Derived from the organization, the Call-ID, the seq_num and the event's exact JSON body. The
 * body matters: a Call-ID is not unique forever. Once callhook forgets a call (32 s after its last
 * leg ended) a device may reuse the Call-ID for a new call, whose seq_num starts again at 1; that
 * event's body carries its own timestamp (at least those 32 s later) and branch_id, so its id
 * differs from the old call's event with the same seq_num, and neither the outbox (one row per id)
 * nor a deduplicating receiver takes it for a copy of the old one. Hashed, so no Call-ID leaks
 * through the header. Pure and thread-safe.
 */
public final class WebhookIds {

    private static final int ID_CHARS = 24;

    private WebhookIds() {}

    /**
     * {@code "msg_"} + the first 24 characters (144 bits) of base64url(SHA-256) over the organization,
     * the Call-ID, the seq_num and the body, each field length-prefixed so no two different inputs
     * read the same.
     */
    public static String of(String organizationId, String callId, long seqNum, byte[] body) {
        MessageDigest digest = sha256();
        field(digest, organizationId.getBytes(StandardCharsets.UTF_8));
        field(digest, callId.getBytes(StandardCharsets.UTF_8));
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(seqNum).array());
        field(digest, body);
        return format(digest.digest());
    }

    /**
     * Another id, derived from one that the outbox already holds for a different event: what that
     * event is stored (and sent) under instead, so that it is not lost. Calling it again on its own
     * result gives yet another id.
     */
    static String insteadOf(String taken) {
        return format(sha256().digest(("instead of\n" + taken).getBytes(StandardCharsets.UTF_8)));
    }

    private static void field(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static String format(byte[] hash) {
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
