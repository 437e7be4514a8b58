package io.callhook.delivery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** What callhook's loggers (the store writer's too) write while the capture is open. */
final class LogLines implements AutoCloseable {

    private final Logger callhook = (Logger) LoggerFactory.getLogger("io.callhook");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogLines() {
        appender.start();
        callhook.addAppender(appender);
    }

    static LogLines capture() {
        return new LogLines();
    }

    /** Each event as "LEVEL logger - message". */
    List<String> lines() {
        synchronized (appender) { // AppenderBase.doAppend holds this lock
            return appender.list.stream()
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()).toList();
        }
    }

    @Override
    public void close() {
        callhook.detachAppender(appender);
        appender.stop();
    }
}
