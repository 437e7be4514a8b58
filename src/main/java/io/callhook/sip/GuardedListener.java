package io.callhook.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;

/**
 * What the RI actually calls: notes each call's start for the {@link StackWatchdog}
 * ({@link ListenerCalls}), lets {@link RequestLimits} refuse requests there is no room for, and
 * hands the rest to the proxy. Nothing escapes: the RI's UDP workers die on an uncaught
 * {@code Error} and some of its threads on any exception, so every callback catches
 * {@link Throwable} (the proxy does too; this is the last line).
 */
final class GuardedListener implements SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);
    private static final RepeatedErrors ONCE = new RepeatedErrors(LOG);

    private final SipListener proxy;
    private final RequestLimits limits;
    private final ListenerCalls calls;

    GuardedListener(SipListener proxy, RequestLimits limits, ListenerCalls calls) {
        this.proxy = proxy;
        this.limits = limits;
        this.calls = calls;
    }

    @Override
    public void processRequest(RequestEvent event) {
        ListenerCalls.Slot slot = calls.enter(event);
        try {
            if (limits.admit((SipProvider) event.getSource(), event)) {
                proxy.processRequest(event);
            }
        } catch (Throwable t) {
            escaped("request", t);
        } finally {
            calls.exit(slot);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        ListenerCalls.Slot slot = calls.enter(event);
        try {
            proxy.processResponse(event);
        } catch (Throwable t) {
            escaped("response", t);
        } finally {
            calls.exit(slot);
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        ListenerCalls.Slot slot = calls.enter(event);
        try {
            proxy.processTimeout(event);
        } catch (Throwable t) {
            escaped("timeout", t);
        } finally {
            calls.exit(slot);
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        try {
            proxy.processIOException(event);
        } catch (Throwable t) {
            escaped("io", t);
        }
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        try {
            proxy.processTransactionTerminated(event);
        } catch (Throwable t) {
            escaped("transaction terminated", t);
        }
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        try {
            proxy.processDialogTerminated(event);
        } catch (Throwable t) {
            escaped("dialog terminated", t);
        }
    }

    private static void escaped(String callback, Throwable t) {
        ONCE.error(callback + " " + t.getClass().getName(), "{} callback threw past the proxy: {}", callback,
                t.toString(), t);
    }
}
