package io.callhook.sip.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * The digest credentials of an {@code Authorization} or {@code Proxy-Authorization} header (RFC
 * 3261 §22.4, RFC 7616 §3.4). {@code response} is a hash, not a secret in itself, but it is never
 * logged either.
 *
 * @param algorithm null when the header names an algorithm callhook does not support
 * @param qop       {@code auth}, or null for the RFC 2069 form (then {@code nc} and {@code cnonce} are null)
 */
public record DigestCredentials(String username, String realm, String nonce, String uri, String response,
                                DigestAlgorithm algorithm, String cnonce, String nc, String qop) {

    /**
     * Parses a header value; empty when it is not a Digest value with {@code username}, {@code realm},
     * {@code nonce}, {@code uri} and {@code response}, or when {@code qop=auth} comes without {@code nc}
     * and {@code cnonce}, or {@code qop} is something other than {@code auth}.
     */
    public static Optional<DigestCredentials> parse(String headerValue) {
        return AuthParams.parse(headerValue)
                .filter(p -> p.scheme().equalsIgnoreCase("Digest"))
                .flatMap(DigestCredentials::of);
    }

    private static Optional<DigestCredentials> of(AuthParams p) {
        String username = p.get("username");
        String realm = p.get("realm");
        String nonce = p.get("nonce");
        String uri = p.get("uri");
        String response = p.get("response");
        if (username == null || realm == null || nonce == null || uri == null || response == null) {
            return Optional.empty();
        }
        String qop = p.get("qop");
        String nc = p.get("nc");
        String cnonce = p.get("cnonce");
        if (qop != null) {
            if (!qop.equalsIgnoreCase("auth") || nc == null || !nc.matches("[0-9a-fA-F]{1,8}") || cnonce == null) {
                return Optional.empty();
            }
            qop = "auth";
        } else {
            nc = null;
            cnonce = null;
        }
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(p.get("algorithm")).orElse(null);
        return Optional.of(new DigestCredentials(username, realm, nonce, uri, response.toLowerCase(Locale.ROOT),
                algorithm, cnonce, nc, qop));
    }

    /** The nonce count as a number: 0 for the RFC 2069 form (no qop). */
    public long nonceCount() {
        return nc == null ? 0 : Long.parseLong(nc, 16);
    }

    /** True when {@code response} is what {@code ha1} gives for this request method (constant time). */
    public boolean matches(String ha1, String method) {
        if (algorithm == null) {
            return false;
        }
        String expected = DigestResponse.compute(algorithm, ha1, method, uri, nonce, nc, cnonce, qop);
        return java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                response.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Who and what, for log lines: never the response. */
    @Override
    public String toString() {
        return "DigestCredentials[username=" + username + ", realm=" + realm + ", algorithm="
                + (algorithm == null ? "unsupported" : algorithm.token()) + ", uri=" + uri + "]";
    }
}
