package io.callhook.call;

/**
 * One side of a call as the events describe it. {@code userId} and {@code email} are set only for
 * local users; {@code number} is E.164 when it could be normalized, else as seen on the wire.
 * Any field may be null (absent).
 */
public record Party(String userId, String email, String number) {
    public static Party external(String number) {
        return new Party(null, null, number);
    }
}
