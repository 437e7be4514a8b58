package io.callhook.sip.auth;

import io.callhook.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class NoncesTest {

    private final ManualClock clock = new ManualClock();
    private final Nonces nonces = new Nonces(clock, Duration.ofMinutes(5), new byte[32]);

    @Test
    void anIssuedNonceIsValidUntilItsLifetimeEndsThenStale() {
        String nonce = nonces.issue();
        assertThat(nonces.check(nonce)).isEqualTo(Nonces.Check.VALID);
        clock.advance(Duration.ofMinutes(5));
        assertThat(nonces.check(nonce)).isEqualTo(Nonces.Check.VALID);
        clock.advance(Duration.ofSeconds(1));
        assertThat(nonces.check(nonce)).isEqualTo(Nonces.Check.STALE);
    }

    @Test
    void everyNonceIsDifferent() {
        assertThat(nonces.issue()).isNotEqualTo(nonces.issue());
    }

    @Test
    void aNonceFromAnotherKeyOrTamperedWithIsForged() {
        String nonce = nonces.issue();
        Nonces other = new Nonces(clock, Duration.ofMinutes(5), "another key, another process....".getBytes());
        assertThat(other.check(nonce)).isEqualTo(Nonces.Check.FORGED);
        char last = nonce.charAt(3);
        String tampered = nonce.substring(0, 3) + (last == 'A' ? 'B' : 'A') + nonce.substring(4);
        assertThat(nonces.check(tampered)).isEqualTo(Nonces.Check.FORGED);
        assertThat(nonces.check("not base64 at all!")).isEqualTo(Nonces.Check.FORGED);
        assertThat(nonces.check("")).isEqualTo(Nonces.Check.FORGED);
    }

    @Test
    void nonceCountsMustGoUpAndANonceWithoutQopIsGoodOnce() {
        NonceCounts counts = new NonceCounts(clock, Duration.ofMinutes(5));
        assertThat(counts.accept("n1", 1)).isTrue();
        assertThat(counts.accept("n1", 1)).as("replayed").isFalse();
        assertThat(counts.accept("n1", 2)).isTrue();
        assertThat(counts.accept("n1", 2)).isFalse();
        assertThat(counts.accept("n2", 0)).isTrue();
        assertThat(counts.accept("n2", 0)).isFalse();
    }

    @Test
    void nonceCountsAreForgottenAfterTheirLifetime() {
        NonceCounts counts = new NonceCounts(clock, Duration.ofMinutes(5));
        counts.accept("n1", 1);
        clock.advance(Duration.ofMinutes(4));
        counts.sweep();
        assertThat(counts.size()).isOne();
        clock.advance(Duration.ofMinutes(2));
        counts.sweep();
        assertThat(counts.size()).isZero();
    }
}
