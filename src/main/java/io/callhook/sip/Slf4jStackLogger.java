package io.callhook.sip;

import gov.nist.core.StackLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;

/**
 * Routes the JAIN-SIP RI's own logging to SLF4J, so the stack runs without log4j (its default
 * logger needs it). {@link #isLoggingEnabled(int)} is cheap: the stack guards its debug string
 * building with it.
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");
    /**
     * The RI logs each malformed datagram at ERROR with the whole packet and a stack trace: a flood
     * of bad packets would be a flood of log. Each kind (the message up to its packet dump, plus the
     * exception class) is logged once, the packet dump cut short (issue 7).
     */
    private static final RepeatedErrors ONCE = new RepeatedErrors(LOG);
    private static final int MAX_MESSAGE = 160;

    @Override public void logStackTrace() { LOG.debug("stack trace", new Throwable()); }
    @Override public void logStackTrace(int level) { if (isLoggingEnabled(level)) { logStackTrace(); } }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable t) { ONCE.error(t.getClass().getName(), "SIP stack exception", t); }
    @Override public void logDebug(String message) { LOG.debug(message); }
    @Override public void logDebug(String message, Exception e) { LOG.debug(message, e); }
    @Override public void logTrace(String message) { LOG.trace(message); }
    @Override public void logFatalError(String message) { LOG.error(message); }
    @Override public void logError(String message) { ONCE.error(kind(message, null), "{}", shorten(message)); }
    @Override public boolean isLoggingEnabled() { return LOG.isInfoEnabled(); }

    @Override
    public boolean isLoggingEnabled(int level) {
        if (level >= TRACE_TRACE) {
            return LOG.isTraceEnabled();
        }
        if (level >= TRACE_DEBUG) {
            return LOG.isDebugEnabled();
        }
        if (level >= TRACE_INFO) {
            return LOG.isInfoEnabled();
        }
        if (level >= TRACE_WARN) {
            return LOG.isWarnEnabled();
        }
        return level > TRACE_NONE && LOG.isErrorEnabled();
    }

    @Override
    public void logError(String message, Exception e) {
        ONCE.error(kind(message, e), "{}: {}", shorten(message), String.valueOf(e), e);
    }

    /** The message up to a packet dump ({@code [} or {@code :}) and the exception class. */
    static String kind(String message, Throwable e) {
        String m = message == null ? "" : message;
        int cut = m.length();
        for (char c : new char[] {'[', ':', '\n'}) {
            int i = m.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return m.substring(0, Math.min(cut, 80)) + (e == null ? "" : " " + e.getClass().getName());
    }

    static String shorten(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE) + "… (" + message.length() + " chars)";
    }
    @Override public void logWarning(String message) { LOG.warn(message); }
    @Override public void logInfo(String message) { LOG.info(message); }
    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties properties) { }
    @Override public String getLoggerName() { return LOG.getName(); }
}
