package io.callhook.sip.auth;

import java.util.Optional;

/**
 * One digest challenge, the value of a {@code WWW-Authenticate} (401) or {@code Proxy-Authenticate}
 * (407) header. callhook always offers {@code qop="auth"}.
 *
 * @param stale true when the credentials were right but the nonce had expired (RFC 7616 §3.3):
 *              the client retries with the new nonce without asking its user again
 */
public record DigestChallenge(String realm, String nonce, DigestAlgorithm algorithm, boolean stale) {

    /** {@code Digest realm="…", nonce="…", algorithm=MD5, qop="auth"[, stale=true]}. */
    public String headerValue() {
        return "Digest realm=" + AuthParams.quote(realm) + ", nonce=" + AuthParams.quote(nonce)
                + ", algorithm=" + algorithm.token() + ", qop=\"auth\"" + (stale ? ", stale=true" : "");
    }

    /** Reads a challenge (a client's view); empty when it is not Digest or names an unknown algorithm. */
    public static Optional<DigestChallenge> parse(String headerValue) {
        return AuthParams.parse(headerValue)
                .filter(p -> p.scheme().equalsIgnoreCase("Digest") && p.get("realm") != null && p.get("nonce") != null)
                .flatMap(p -> DigestAlgorithm.fromToken(p.get("algorithm")).map(a ->
                        new DigestChallenge(p.get("realm"), p.get("nonce"), a, "true".equalsIgnoreCase(p.get("stale")))));
    }
}
