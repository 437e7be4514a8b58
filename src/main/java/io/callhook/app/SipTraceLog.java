package io.callhook.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * {@code sip.trace: true}: every SIP message the stack sends or receives, in its own file. Added at
 * start rather than declared in logback.xml, so no empty trace file appears when tracing is off.
 */
public final class SipTraceLog {

    public static final String FILE = "sip-trace.log";

    private SipTraceLog() {}

    /**
     * Stops logback, writing out what async appenders still hold (config/logback.xml queues the
     * file's lines). Called last on shutdown; a no-op when another SLF4J binding is in use.
     */
    public static void flushAndStop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    public static void enable(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %msg%n%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("SIPTRACE");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        Logger trace = context.getLogger("io.callhook.sip.trace");
        trace.addAppender(appender);
        trace.setLevel(Level.DEBUG);
        LoggerFactory.getLogger(SipTraceLog.class).info("SIP trace on: {}", file.toAbsolutePath());
    }
}
