package io.callhook.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private static final Optional<Duration> NO_RETRY_AFTER = Optional.empty();

    private final RetryPolicy policy = new RetryPolicy(
            List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30)), Duration.ofHours(24), 0.0);

    @Test
    void firstAttemptIsImmediateWhateverTheAge() {
        assertThat(policy.delayBeforeAttempt(1, Duration.ofDays(3), NO_RETRY_AFTER, () -> 0.5))
                .contains(Duration.ZERO);
    }

    @Test
    void delaysFollowTheScheduleAndTheLastEntryRepeats() {
        assertThat(policy.delayBeforeAttempt(2, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofSeconds(5));
        assertThat(policy.delayBeforeAttempt(3, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofMinutes(5));
        assertThat(policy.delayBeforeAttempt(4, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofMinutes(30));
        assertThat(policy.delayBeforeAttempt(5, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofMinutes(30));
        assertThat(policy.delayBeforeAttempt(50, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofMinutes(30));
    }

    @Test
    void jitterSpreadsADelayByAtMostItsFractionEitherWay() {
        RetryPolicy jittered = new RetryPolicy(List.of(Duration.ofSeconds(10)), Duration.ofHours(1), 0.2);

        assertThat(jittered.delayBeforeAttempt(2, Duration.ZERO, NO_RETRY_AFTER, () -> 0.0)).contains(Duration.ofSeconds(8));
        assertThat(jittered.delayBeforeAttempt(2, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofSeconds(10));
        Random random = new Random(42);
        for (int i = 0; i < 1_000; i++) {
            Duration d = jittered.delayBeforeAttempt(2, Duration.ZERO, NO_RETRY_AFTER, random::nextDouble).orElseThrow();
            assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
        }
    }

    @Test
    void aLongerRetryAfterWinsOverTheSchedule() {
        assertThat(policy.delayBeforeAttempt(2, Duration.ZERO, Optional.of(Duration.ofSeconds(90)), () -> 0.5))
                .contains(Duration.ofSeconds(90));
    }

    @Test
    void aShorterRetryAfterDoesNotShortenTheSchedule() {
        assertThat(policy.delayBeforeAttempt(3, Duration.ZERO, Optional.of(Duration.ofSeconds(1)), () -> 0.5))
                .contains(Duration.ofMinutes(5));
    }

    @Test
    void thereIsNoAttemptPastTheMaxAge() {
        Duration age = Duration.ofHours(24).minusMinutes(1);

        assertThat(policy.delayBeforeAttempt(4, age, NO_RETRY_AFTER, () -> 0.5)).isEmpty();
        assertThat(policy.delayBeforeAttempt(2, age, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofSeconds(5));
    }

    @Test
    void anAttemptExactlyAtTheMaxAgeIsStillMade() {
        Duration age = Duration.ofHours(24).minusSeconds(5);

        assertThat(policy.delayBeforeAttempt(2, age, NO_RETRY_AFTER, () -> 0.5)).contains(Duration.ofSeconds(5));
    }

    @Test
    void aRetryAfterBeyondTheMaxAgeMeansTheEventIsDead() {
        assertThat(policy.delayBeforeAttempt(2, Duration.ofHours(23), Optional.of(Duration.ofHours(2)), () -> 0.5))
                .isEmpty();
    }

    @Test
    void invalidPoliciesSayTheRuleAndTheValue() {
        assertThatThrownBy(() -> new RetryPolicy(List.of(), Duration.ofHours(1), 0.2))
                .hasMessage("retry schedule must have at least one delay: []");
        assertThatThrownBy(() -> new RetryPolicy(List.of(Duration.ofSeconds(-1)), Duration.ofHours(1), 0.2))
                .hasMessage("retry delays must not be negative: PT-1S");
        assertThatThrownBy(() -> new RetryPolicy(List.of(Duration.ofSeconds(1)), Duration.ZERO, 0.2))
                .hasMessage("max age must be positive: PT0S");
        assertThatThrownBy(() -> new RetryPolicy(List.of(Duration.ofSeconds(1)), Duration.ofHours(1), 1.5))
                .hasMessage("jitter must be in [0, 1): 1.5");
        assertThatThrownBy(() -> policy.delayBeforeAttempt(0, Duration.ZERO, NO_RETRY_AFTER, () -> 0.5))
                .hasMessage("attempt numbers start at 1: 0");
    }
}
