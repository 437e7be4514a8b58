package io.callhook.sip;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatedErrorsTest {

    @Test
    void aFloodOfTheSameBadInputIsLoggedOnceWithACountEveryThousand() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.repeated");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        RepeatedErrors once = new RepeatedErrors(logger);

        for (int i = 0; i < 2500; i++) {
            once.error("request INVITE java.lang.NullPointerException", "call_id={} failed", "c" + i,
                    new NullPointerException());
        }
        once.error("response java.lang.IllegalStateException", "other kind", new IllegalStateException());

        assertThat(events.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.ERROR, Level.WARN, Level.WARN, Level.ERROR);
        assertThat(events.list.get(0).getFormattedMessage()).isEqualTo("call_id=c0 failed");
        assertThat(events.list.get(0).getThrowableProxy()).isNotNull();
        assertThat(events.list.get(2).getFormattedMessage()).startsWith("2000 occurrences of: request INVITE");
    }
}
