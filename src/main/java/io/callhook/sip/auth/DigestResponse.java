package io.callhook.sip.auth;

/** The digest computation itself (RFC 2617 §3.2.2, RFC 7616 §3.4.1), for {@code qop=auth} and the RFC 2069 form. */
public final class DigestResponse {

    private DigestResponse() {}

    /** {@code H(username:realm:password)}: what the directory stores as {@code ha1}. */
    public static String ha1(DigestAlgorithm algorithm, String username, String realm, String password) {
        return algorithm.hash(username + ":" + realm + ":" + password);
    }

    /**
     * The expected {@code response}: {@code H(HA1:nonce:nc:cnonce:qop:H(method:uri))}, or without
     * qop {@code H(HA1:nonce:H(method:uri))}.
     *
     * @param qop {@code auth} or null; {@code nc} and {@code cnonce} are used only with it
     */
    public static String compute(DigestAlgorithm algorithm, String ha1, String method, String uri, String nonce,
                                 String nc, String cnonce, String qop) {
        String ha2 = algorithm.hash(method + ":" + uri);
        if (qop == null) {
            return algorithm.hash(ha1 + ":" + nonce + ":" + ha2);
        }
        return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }
}
