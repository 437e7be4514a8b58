package io.callhook.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Via branch values the proxy puts on what it sends (RFC 3261 magic cookie, unique per hop). */
final class Branches {

    static final String MAGIC_COOKIE = "z9hG4bK";
    /** Marks branches made by callhook, so a Via of ours is recognisable. */
    static final String OURS = MAGIC_COOKIE + "ch";

    private Branches() {}

    /** A fresh branch for a new client transaction. */
    static String fresh() {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return OURS + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * The branch for a statelessly forwarded ACK: derived from the incoming branch (RFC 3261
     * §16.11), so a retransmitted ACK gets the same one.
     */
    static String derived(String incomingBranch) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(incomingBranch).getBytes(StandardCharsets.UTF_8));
            return OURS + "s" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
