package io.callhook.sip.auth;

/** The client side: answers a challenge with {@code qop=auth} (the test and demo phones use it). */
public final class DigestClient {

    private DigestClient() {}

    /**
     * The {@code Authorization} / {@code Proxy-Authorization} value answering {@code challenge}.
     *
     * @param nc the request count for this nonce, from 1
     */
    public static String authorization(DigestChallenge challenge, String username, String password, String method,
                                       String uri, String cnonce, int nc) {
        String ha1 = DigestResponse.ha1(challenge.algorithm(), username, challenge.realm(), password);
        String ncText = String.format("%08x", nc);
        String response = DigestResponse.compute(challenge.algorithm(), ha1, method, uri, challenge.nonce(), ncText,
                cnonce, "auth");
        return "Digest username=" + AuthParams.quote(username) + ", realm=" + AuthParams.quote(challenge.realm())
                + ", nonce=" + AuthParams.quote(challenge.nonce()) + ", uri=" + AuthParams.quote(uri)
                + ", response=" + AuthParams.quote(response) + ", algorithm=" + challenge.algorithm().token()
                + ", cnonce=" + AuthParams.quote(cnonce) + ", qop=auth, nc=" + ncText;
    }
}
