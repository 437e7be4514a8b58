package io.callhook.delivery.netty;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

    @Test
    void deltaSecondsAreADelay() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    }

    @Test
    void anImfFixdateIsTheTimeUntilThatDate() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:30:30 GMT", NOW)).contains(Duration.ofSeconds(150));
    }

    @Test
    void theObsoleteDateFormsAreUnderstoodToo() {
        assertThat(RetryAfter.parse("Wednesday, 21-Oct-15 07:29:00 GMT", NOW)).contains(Duration.ofSeconds(60));
        assertThat(RetryAfter.parse("Wed Oct 21 07:29:00 2015", NOW)).contains(Duration.ofSeconds(60));
    }

    @Test
    void aDateInThePastMeansNow() {
        assertThat(RetryAfter.parse("Tue, 20 Oct 2015 07:28:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void unreadableValuesAreIgnored() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("99999999999999999999999", NOW)).isEmpty();
    }
}
