package io.callhook.sip.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The digest computation against the published test vectors, and header parsing. */
class DigestTest {

    @Test
    void rfc2617ExampleResponseIsReproduced() {
        // RFC 2617 §3.5
        String ha1 = DigestResponse.ha1(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        assertThat(DigestResponse.compute(DigestAlgorithm.MD5, ha1, "GET", "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth"))
                .isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    @Test
    void rfc7616ExampleResponsesAreReproducedForMd5AndSha256() {
        // RFC 7616 §3.9.1
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        String md5 = DigestResponse.ha1(DigestAlgorithm.MD5, "Mufasa", "http-auth@example.org", "Circle of Life");
        String sha = DigestResponse.ha1(DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org", "Circle of Life");
        assertThat(DigestResponse.compute(DigestAlgorithm.MD5, md5, "GET", "/dir/index.html", nonce, "00000001",
                cnonce, "auth")).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
        assertThat(DigestResponse.compute(DigestAlgorithm.SHA_256, sha, "GET", "/dir/index.html", nonce, "00000001",
                cnonce, "auth")).isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    }

    @Test
    void rfc7616AuthorizationHeaderParsesAndVerifies() {
        String header = """
                Digest username="Mufasa",
                    realm="http-auth@example.org",
                    uri="/dir/index.html",
                    algorithm=SHA-256,
                    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                    nc=00000001,
                    cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                    qop=auth,
                    response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
                """;
        DigestCredentials c = DigestCredentials.parse(header).orElseThrow();
        assertThat(c.username()).isEqualTo("Mufasa");
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.SHA_256);
        assertThat(c.nonceCount()).isEqualTo(1);
        String ha1 = DigestResponse.ha1(DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org", "Circle of Life");
        assertThat(c.matches(ha1, "GET")).isTrue();
        assertThat(c.matches(ha1, "POST")).as("the method is part of the digest").isFalse();
        String wrong = DigestResponse.ha1(DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org", "Circle of life");
        assertThat(c.matches(wrong, "GET")).isFalse();
    }

    @Test
    void rfc2069FormWithoutQopVerifies() {
        String ha1 = DigestResponse.ha1(DigestAlgorithm.MD5, "alice", "atlanta.com", "secret");
        String response = DigestResponse.compute(DigestAlgorithm.MD5, ha1, "INVITE", "sip:bob@biloxi.com", "n1",
                null, null, null);
        DigestCredentials c = DigestCredentials.parse("Digest username=\"alice\", realm=\"atlanta.com\", "
                + "nonce=\"n1\", uri=\"sip:bob@biloxi.com\", response=\"" + response + "\"").orElseThrow();
        assertThat(c.algorithm()).as("no algorithm means MD5").isEqualTo(DigestAlgorithm.MD5);
        assertThat(c.qop()).isNull();
        assertThat(c.nonceCount()).isZero();
        assertThat(c.matches(ha1, "INVITE")).isTrue();
    }

    @Test
    void aClientAnswerToOurChallengeVerifies() {
        DigestChallenge challenge = new DigestChallenge("seteratesting.fi", "abc", DigestAlgorithm.SHA_256, false);
        DigestChallenge parsed = DigestChallenge.parse(challenge.headerValue()).orElseThrow();
        assertThat(parsed).isEqualTo(challenge);
        String value = DigestClient.authorization(parsed, "setera.desk", "pa\"ss", "REGISTER",
                "sip:seteratesting.fi", "c1", 1);
        DigestCredentials c = DigestCredentials.parse(value).orElseThrow();
        String ha1 = DigestResponse.ha1(DigestAlgorithm.SHA_256, "setera.desk", "seteratesting.fi", "pa\"ss");
        assertThat(ha1).hasSize(64);
        assertThat(c.matches(ha1, "REGISTER")).isTrue();
    }

    @Test
    void staleFlagIsWrittenAndRead() {
        DigestChallenge stale = new DigestChallenge("r", "n", DigestAlgorithm.MD5, true);
        assertThat(stale.headerValue()).isEqualTo("Digest realm=\"r\", nonce=\"n\", algorithm=MD5, qop=\"auth\", stale=true");
        assertThat(DigestChallenge.parse(stale.headerValue()).orElseThrow().stale()).isTrue();
    }

    @Test
    void quotedStringsKeepCommasAndEscapes() {
        AuthParams p = AuthParams.parse("Digest realm=\"a, \\\"b\\\"\",nonce=x").orElseThrow();
        assertThat(p.get("realm")).isEqualTo("a, \"b\"");
        assertThat(p.get("NONCE")).isEqualTo("x");
    }

    @Test
    void malformedOrIncompleteCredentialsAreRefused() {
        assertThat(DigestCredentials.parse(null)).isEmpty();
        assertThat(DigestCredentials.parse("Basic dXNlcjpwYXNz")).isEmpty();
        assertThat(DigestCredentials.parse("Digest username=\"a\", realm=\"r\"")).as("no nonce, uri, response").isEmpty();
        assertThat(DigestCredentials.parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
                + "response=\"x\", qop=auth")).as("qop without nc and cnonce").isEmpty();
        assertThat(DigestCredentials.parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
                + "response=\"x\", qop=auth-int, nc=00000001, cnonce=\"c\"")).as("auth-int").isEmpty();
        assertThat(DigestCredentials.parse("Digest username=\"a\" realm=\"r\"")).as("missing comma").isEmpty();
        assertThat(DigestCredentials.parse("Digest username=\"a, realm=\"r\"")).isEmpty();
        assertThat(DigestCredentials.parse("Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", "
                + "uri=\"u\", response=\"x\"")).as("a repeated parameter").isEmpty();
    }

    @Test
    void unsupportedAlgorithmParsesButNeverMatches() {
        DigestCredentials c = DigestCredentials.parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
                + "response=\"x\", algorithm=SHA-512-256").orElseThrow();
        assertThat(c.algorithm()).isNull();
        assertThat(c.matches("00", "INVITE")).isFalse();
    }

    @Test
    void toStringNeverShowsTheResponse() {
        DigestCredentials c = DigestCredentials.parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
                + "response=\"0123456789abcdef0123456789abcdef\"").orElseThrow();
        assertThat(c.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void ha1LengthTellsTheAlgorithm() {
        assertThat(DigestAlgorithm.ofHa1("5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a")).contains(DigestAlgorithm.MD5);
        assertThat(DigestAlgorithm.ofHa1("a".repeat(64))).contains(DigestAlgorithm.SHA_256);
        assertThat(DigestAlgorithm.ofHa1("abc")).isEmpty();
    }
}
