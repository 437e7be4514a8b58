package io.callhook.sip.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

/**
 * Stateless nonces with expiry: {@code base64url(issued-at millis ‖ 8 random bytes ‖ HMAC-SHA256 of
 * both, first 16 bytes)}. A nonce this instance did not issue is {@link Check#FORGED}; one older
 * than {@code ttl} is {@link Check#STALE}. Issuing costs no memory, so challenges can be answered
 * statelessly to anyone; replays within the lifetime are stopped by {@link NonceCounts}. The key is
 * random per process: after a restart every old nonce is forged, and clients simply get a new
 * challenge. Thread-safe.
 */
public final class Nonces {

    /** How a presented nonce fares. */
    public enum Check { VALID, STALE, FORGED }

    private static final int MAC_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Duration ttl;
    private final SecretKeySpec key;

    public Nonces(Clock clock, Duration ttl, byte[] secret) {
        this.clock = clock;
        this.ttl = ttl;
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** With a fresh random key. */
    public static Nonces withRandomKey(Clock clock, Duration ttl) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new Nonces(clock, ttl, secret);
    }

    public Duration ttl() {
        return ttl;
    }

    public String issue() {
        ByteBuffer body = ByteBuffer.allocate(16);
        body.putLong(clock.millis());
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        body.put(random);
        byte[] mac = mac(body.array());
        ByteBuffer all = ByteBuffer.allocate(16 + MAC_BYTES).put(body.array()).put(mac, 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(all.array());
    }

    public Check check(String nonce) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.FORGED;
        }
        if (raw.length != 16 + MAC_BYTES) {
            return Check.FORGED;
        }
        byte[] body = Arrays.copyOfRange(raw, 0, 16);
        byte[] expected = Arrays.copyOf(mac(body), MAC_BYTES);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, 16, raw.length))) {
            return Check.FORGED;
        }
        long issued = ByteBuffer.wrap(body).getLong();
        long age = clock.millis() - issued;
        if (age < -1000) {
            return Check.FORGED; // from the future: not ours
        }
        return age > ttl.toMillis() ? Check.STALE : Check.VALID;
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
