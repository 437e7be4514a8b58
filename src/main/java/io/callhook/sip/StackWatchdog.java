package io.callhook.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Notices a SIP stack that has stopped serving while its sockets are still open:
 *
 * <ul>
 *   <li>a dead UDP worker thread: the RI's workers catch only {@code Exception}, so an {@code Error}
 *       thrown on one (outside our listener, which catches everything) ends it for good and the
 *       pool is one thread short until restart;</li>
 *   <li>a stuck listener call: a callback running longer than {@code stuckAfter} (nothing on the
 *       SIP path should wait; a stuck thread serves nobody else).</li>
 * </ul>
 *
 * {@link #check()} runs once a second on the watchdog thread; {@link #problem()} is what
 * {@code /health} reports. One line is logged when the stack turns unhealthy (with the stuck
 * thread's stack) and one when it recovers — never one per check.
 */
final class StackWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(StackWatchdog.class);
    static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(5);

    private final ListenerCalls calls;
    private final List<BoundedDatagramQueue> udpQueues;
    private final int workersPerQueue;
    private final Duration stuckAfter;
    private volatile Optional<String> problem = Optional.empty();

    StackWatchdog(ListenerCalls calls, List<BoundedDatagramQueue> udpQueues, int workersPerQueue, Duration stuckAfter) {
        this.calls = calls;
        this.udpQueues = List.copyOf(udpQueues);
        this.workersPerQueue = workersPerQueue;
        this.stuckAfter = stuckAfter;
    }

    /** The current problem, as of the last {@link #check()}; empty when healthy. */
    Optional<String> problem() {
        return problem;
    }

    /** Looks again; logs a change between healthy and unhealthy. */
    Optional<String> check() {
        Optional<String> now = deadWorkers();
        Optional<ListenerCalls.Running> stuck = calls.longestRunning(stuckAfter);
        if (now.isEmpty() && stuck.isPresent()) {
            now = Optional.of(describe(stuck.get()));
        }
        Optional<String> before = problem;
        problem = now;
        if (before.isEmpty() && now.isPresent()) {
            LOG.error("SIP stack unhealthy (/health answers 503): {}{}", now.get(),
                    stuck.map(s -> "; its stack: " + frames(s.thread())).orElse(""));
        } else if (before.isPresent() && now.isEmpty()) {
            LOG.info("SIP stack healthy again (was: {})", before.get());
        }
        return now;
    }

    private Optional<String> deadWorkers() {
        for (BoundedDatagramQueue queue : udpQueues) {
            long dead = queue.workers().stream().filter(t -> !t.isAlive()).count();
            if (dead > 0) {
                long alive = queue.workers().size() - dead;
                return Optional.of("UDP worker threads alive on " + queue.where() + ": " + alive + " of "
                        + workersPerQueue + " (a thread died; restart callhook)");
            }
        }
        return Optional.empty();
    }

    private static String describe(ListenerCalls.Running running) {
        return "a SIP listener call (" + describeEvent(running.what()) + ") has been running for "
                + running.runningFor().toMillis() / 1000 + "s on thread " + running.thread().getName();
    }

    /** {@code INVITE call_id=…}, {@code response 200 call_id=…}, {@code timeout}: what the stuck call handles. */
    static String describeEvent(Object what) {
        if (what instanceof javax.sip.RequestEvent e) {
            return e.getRequest().getMethod() + " call_id=" + SipText.callId(e.getRequest());
        }
        if (what instanceof javax.sip.ResponseEvent e) {
            return "response " + e.getResponse().getStatusCode() + " call_id=" + SipText.callId(e.getResponse());
        }
        if (what instanceof javax.sip.TimeoutEvent) {
            return "transaction timeout";
        }
        return what == null ? "finished" : what.getClass().getSimpleName();
    }

    private static String frames(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).limit(12).map(StackTraceElement::toString)
                .collect(Collectors.joining(" <- "));
    }
}
