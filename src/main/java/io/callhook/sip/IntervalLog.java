package io.callhook.sip;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a limit being hit once per cause per interval, never once per packet. The first hit of a
 * cause is logged at once (WARN, saying what was hit); further hits are only counted, and
 * {@link #flush()} — called once per interval — writes one summary line for each cause hit since
 * the last flush: {@code limit=per_source_rate count=1234 in the last 60s}. A cause with no hit
 * for a whole interval starts over: its next hit is logged at once again.
 *
 * <p>Threading: {@link #hit} is called on SIP threads (an array lookup and an increment), {@link
 * #flush} on a timer thread.
 */
final class IntervalLog {

    /** Causes are a handful of fixed names; past this, new ones share one (a bug must not grow the map). */
    private static final int MAX_CAUSES = 64;

    private static final class Cause {
        final AtomicBoolean announced = new AtomicBoolean();
        /** The announcing hit fell in the current interval (its line already said it). */
        volatile boolean announcedThisInterval;
        final AtomicLong sinceFlush = new AtomicLong();
        final AtomicLong total = new AtomicLong();
    }

    private final Logger log;
    private final Duration interval;
    private final Map<String, Cause> causes = new ConcurrentHashMap<>();

    IntervalLog(Logger log, Duration interval) {
        this.log = log;
        this.interval = interval;
    }

    Duration interval() {
        return interval;
    }

    /** One hit of {@code cause}; the first of an episode logs {@code message} with {@code args}. */
    void hit(String cause, String message, Object... args) {
        Cause c = causes.get(cause);
        if (c == null) {
            c = causes.size() < MAX_CAUSES ? causes.computeIfAbsent(cause, k -> new Cause())
                    : causes.computeIfAbsent("(other)", k -> new Cause());
        }
        c.total.incrementAndGet();
        c.sinceFlush.incrementAndGet();
        if (c.announced.compareAndSet(false, true)) {
            c.announcedThisInterval = true;
            log.warn("limit={} " + message + " (further hits are counted, one line per {}s)",
                    prepend(cause, args, interval.toSeconds()));
        }
    }

    /** One summary line per cause hit since the last call; a cause not hit since then is re-armed. */
    void flush() {
        causes.forEach((name, c) -> {
            long n = c.sinceFlush.getAndSet(0);
            boolean announcedNow = c.announcedThisInterval;
            c.announcedThisInterval = false;
            if (n == 0) {
                c.announced.set(false); // a quiet interval ends the episode
            } else if (n > 1 || !announcedNow) {
                log.warn("limit={} count={} in the last {}s", name, n, interval.toSeconds());
            }
        });
    }

    /** Hits of {@code cause} since start (for metrics and tests). */
    long total(String cause) {
        Cause c = causes.get(cause);
        return c == null ? 0 : c.total.get();
    }

    private static Object[] prepend(String cause, Object[] args, long seconds) {
        Object[] all = new Object[args.length + 2];
        all[0] = cause;
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = seconds;
        return all;
    }
}
