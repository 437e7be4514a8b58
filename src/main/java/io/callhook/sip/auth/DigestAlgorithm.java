package io.callhook.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** The digest algorithms callhook accepts (RFC 8760): MD5 and SHA-256, without the {@code -sess} variants. */
public enum DigestAlgorithm {
    MD5("MD5", "MD5"),
    SHA_256("SHA-256", "SHA-256");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The name in {@code algorithm=} ({@code MD5}, {@code SHA-256}). */
    public String token() {
        return token;
    }

    /** How many hex digits a hash (and so an HA1) of this algorithm has: 32 or 64. */
    public int hexLength() {
        return this == MD5 ? 32 : 64;
    }

    /** The algorithm named by an {@code algorithm=} value; an absent one means MD5 (RFC 2617 §3.2.1). */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null) {
            return Optional.of(MD5);
        }
        String t = token.strip().toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The algorithm an HA1 was made with, told by its length (32 hex digits MD5, 64 SHA-256). */
    public static Optional<DigestAlgorithm> ofHa1(String ha1) {
        if (ha1 == null) {
            return Optional.empty();
        }
        for (DigestAlgorithm a : values()) {
            if (ha1.length() == a.hexLength()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The lower-case hex hash of {@code text} in UTF-8. */
    public String hash(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance(jcaName);
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is part of every JDK", e);
        }
    }
}
