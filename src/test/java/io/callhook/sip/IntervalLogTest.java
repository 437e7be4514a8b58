package io.callhook.sip;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IntervalLogTest {

    final ListAppender<ILoggingEvent> events = new ListAppender<>();
    IntervalLog log;

    @BeforeEach
    void capture() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.interval");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        events.start();
        logger.addAppender(events);
        log = new IntervalLog(logger, Duration.ofSeconds(60));
    }

    List<String> lines() {
        return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aFloodIsOneLineWhenItStartsAndOneCountPerInterval() {
        for (int i = 0; i < 10_000; i++) {
            log.hit("per_source_rate", "{} over its rate", "127.0.0.2");
        }
        assertThat(lines()).containsExactly(
                "limit=per_source_rate 127.0.0.2 over its rate (further hits are counted, one line per 60s)");

        log.flush();
        for (int i = 0; i < 500; i++) {
            log.hit("per_source_rate", "{} over its rate", "127.0.0.2");
        }
        log.flush();

        assertThat(lines()).hasSize(3);
        assertThat(lines().get(1)).isEqualTo("limit=per_source_rate count=10000 in the last 60s");
        assertThat(lines().get(2)).isEqualTo("limit=per_source_rate count=500 in the last 60s");
        assertThat(log.total("per_source_rate")).isEqualTo(10_500);
    }

    @Test
    void eachCauseHasItsOwnLinesAndASingleHitNeedsNoSummary() {
        log.hit("max_live_legs", "{} live legs", 5);
        log.hit("max_transactions", "{} transactions", 7);
        log.flush();

        assertThat(lines()).containsExactly(
                "limit=max_live_legs 5 live legs (further hits are counted, one line per 60s)",
                "limit=max_transactions 7 transactions (further hits are counted, one line per 60s)");
    }

    @Test
    void aQuietIntervalEndsTheEpisodeSoTheNextHitIsLoggedAtOnceAgain() {
        log.hit("udp_queue", "full");
        log.flush(); // the interval of the first hit
        log.flush(); // a quiet one
        log.hit("udp_queue", "full again");

        assertThat(lines()).containsExactly(
                "limit=udp_queue full (further hits are counted, one line per 60s)",
                "limit=udp_queue full again (further hits are counted, one line per 60s)");
    }

    @Test
    void nothingHitNothingLogged() {
        log.flush();
        assertThat(lines()).isEmpty();
        assertThat(log.total("anything")).isZero();
    }
}
