package io.callhook.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.SipStack;
import java.util.Properties;

/**
 * The full SIP message trace, on logger {@code io.callhook.sip.trace} at DEBUG. Off unless
 * {@code sip.trace: true}, which points that logger at its own file (see logback.xml).
 */
public final class Slf4jServerLogger implements ServerLogger {

    private static final Logger TRACE = LoggerFactory.getLogger("io.callhook.sip.trace");

    @Override public void closeLogFile() { }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        log(message, from, to, sender);
    }

    private static void log(SIPMessage message, String from, String to, boolean sender) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message.encode());
        }
    }

    @Override public void logException(Exception e) { TRACE.debug("SIP exception", e); }
    @Override public void setStackProperties(Properties properties) { }
    @Override public void setSipStack(SipStack sipStack) { }
}
