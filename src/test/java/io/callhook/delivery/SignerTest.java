package io.callhook.delivery;

import io.callhook.testing.StandardWebhooksVerifier;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignerTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void thePublishedStandardWebhooksTestVectorIsReproducedExactly() {
        assertThat(Signer.of(SECRET).sign(ID, 1614265330L, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void anIndependentVerifierWrittenFromTheSpecAcceptsOurSignatures() {
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET);
        byte[] body = "{\"seq_num\":1,\"call_id\":\"a\"}".getBytes(StandardCharsets.UTF_8);

        String signature = Signer.of(SECRET).sign("msg_abc", 1_700_000_000L, body);

        assertThat(verifier.verify("msg_abc", "1700000000", signature, body, 1_700_000_010L)).isTrue();
        assertThat(verifier.verify("msg_abc", "1700000001", signature, body, 1_700_000_010L))
                .as("another timestamp").isFalse();
        assertThat(verifier.verify("msg_abd", "1700000000", signature, body, 1_700_000_010L))
                .as("another id").isFalse();
        assertThat(verifier.verify("msg_abc", "1700000000", signature, "{}".getBytes(StandardCharsets.UTF_8),
                1_700_000_010L)).as("another body").isFalse();
    }

    @Test
    void theWhsecPrefixIsOptionalAsInTheReferenceLibraries() {
        assertThat(Signer.of(SECRET.substring(6)).sign(ID, 1614265330L, BODY))
                .isEqualTo(Signer.of(SECRET).sign(ID, 1614265330L, BODY));
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> Signer.of("whsec_not base64!"))
                .hasMessage("webhook secret must be whsec_ followed by base64 (value not shown)");
    }
}
