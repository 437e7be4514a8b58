package io.callhook.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A single daemon thread for the proxy's own timers (no-answer, Timer C, sweeps). A scheduled
 * executor keeps a task's exception inside its future, where nobody looks; a periodic task that
 * throws is silently never run again. Here every failure is logged (once per kind).
 */
final class SipTimers extends ScheduledThreadPoolExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(SipTimers.class);
    private static final RepeatedErrors ONCE = new RepeatedErrors(LOG);

    SipTimers(String name) {
        super(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        setRemoveOnCancelPolicy(true); // cancelled no-answer / Timer C tasks must not pile up in the queue
    }

    @Override
    protected void afterExecute(Runnable task, Throwable thrown) {
        super.afterExecute(task, thrown);
        Throwable failure = thrown;
        if (failure == null && task instanceof Future<?> future && future.isDone()) {
            try {
                future.get();
            } catch (CancellationException ignored) {
                // cancelled: not a failure
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            ONCE.error("timer " + failure.getClass().getName(), "a SIP timer task failed: {}", failure.toString(),
                    failure);
        }
    }
}
