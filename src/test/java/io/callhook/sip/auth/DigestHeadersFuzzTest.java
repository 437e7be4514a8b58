package io.callhook.sip.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callhook.testing.FuzzBudget;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6: digest header values from anyone on the network. Parsing never throws: what is not a
 * header it understands is the documented refusal ({@code Optional.empty()}); what it accepts
 * survives being written back and read again.
 *
 * <p>Seeds: RFC 2617, 7616 and 8760 examples and what SIPp and callhook send, in
 * {@code src/test/resources/io/callhook/sip/auth/DigestHeadersFuzzTestInputs/<method>/}. Fuzz one
 * method for real with {@code JAZZER_FUZZ=1 mvn -B -o test -Dtest=DigestHeadersFuzzTest#<method>}.
 * An input that takes longer than {@link FuzzBudget#PER_INPUT} is a finding too.
 */
class DigestHeadersFuzzTest {

    /** SIP messages are at most a few KiB; a header longer than this is nobody's. */
    static final int MAX_INPUT_BYTES = 8 * 1024;

    @FuzzTest(maxDuration = "3m")
    void authParamsReadBackWhatTheyAccept(byte[] input) {
        long start = System.nanoTime();
        Optional<AuthParams> parsed = parse(input).flatMap(AuthParams::parse);
        FuzzBudget.check(start, "parsing");
        parsed.ifPresent(p -> assertThat(AuthParams.parse(write(p))).as("written back: %s", write(p)).contains(p));
    }

    @FuzzTest(maxDuration = "3m")
    void credentialsAreReadOrRefusedAndReadBackWhatTheyAccept(byte[] input) {
        long start = System.nanoTime();
        Optional<DigestCredentials> parsed = parse(input).flatMap(DigestCredentials::parse);
        FuzzBudget.check(start, "parsing");
        parsed.ifPresent(c -> {
            assertThat(c.nonceCount()).isNotNegative();
            c.matches("5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a", "INVITE"); // a wrong password: false, never a throw
            if (c.algorithm() != null) {
                assertThat(DigestCredentials.parse(write(c))).as("written back: %s", write(c)).contains(c);
            }
        });
    }

    @FuzzTest(maxDuration = "3m")
    void challengesAreReadOrRefusedAndReadBackWhatTheyAccept(byte[] input) {
        long start = System.nanoTime();
        Optional<DigestChallenge> parsed = parse(input).flatMap(DigestChallenge::parse);
        FuzzBudget.check(start, "parsing");
        parsed.ifPresent(c -> {
            assertThat(DigestChallenge.parse(c.headerValue())).as("written back: %s", c.headerValue()).contains(c);
            DigestClient.authorization(c, "alice", "secret", "INVITE", "sip:bob@example.com", "0a4f113b", 1);
        });
    }

    private static Optional<String> parse(byte[] input) {
        return input.length > MAX_INPUT_BYTES ? Optional.empty() : Optional.of(new String(input, StandardCharsets.UTF_8));
    }

    /** The scheme, then every parameter quoted, in order. */
    private static String write(AuthParams p) {
        return p.scheme() + " " + p.params().entrySet().stream()
                .map(e -> e.getKey() + "=" + AuthParams.quote(e.getValue())).collect(Collectors.joining(", "));
    }

    private static String write(DigestCredentials c) {
        StringBuilder b = new StringBuilder("Digest ");
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("username", c.username());
        fields.put("realm", c.realm());
        fields.put("nonce", c.nonce());
        fields.put("uri", c.uri());
        fields.put("response", c.response());
        fields.put("algorithm", c.algorithm().token());
        if (c.qop() != null) {
            fields.put("qop", c.qop());
            fields.put("nc", c.nc());
            fields.put("cnonce", c.cnonce());
        }
        b.append(fields.entrySet().stream().map(e -> e.getKey() + "=" + AuthParams.quote(e.getValue()))
                .collect(Collectors.joining(", ")));
        return b.toString();
    }
}
