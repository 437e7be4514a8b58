package io.callhook.sip;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When each thread entered the SIP listener, so the {@link StackWatchdog} can see a callback that
 * has been running too long (a stuck SIP thread serves nobody else). Entering and leaving cost a
 * thread-local lookup and two volatile writes; threads that have died (a closed TCP connection's
 * reader) are forgotten at the next {@link #longestRunning} scan.
 */
final class ListenerCalls {

    /** A call in progress on a thread, as seen from the watchdog. */
    record Running(Thread thread, Object what, Duration runningFor) {}

    static final class Slot {
        final Thread thread;
        volatile long enteredAt;
        volatile Object what;
        volatile boolean busy;
        private int depth; // only its own thread touches it: a listener call may nest (self-routed requests)

        Slot(Thread thread) {
            this.thread = thread;
        }
    }

    private final LongSupplier nanos;
    private final Map<Thread, Slot> slots = new ConcurrentHashMap<>();
    private final ThreadLocal<Slot> mine;

    ListenerCalls(LongSupplier nanos) {
        this.nanos = nanos;
        this.mine = ThreadLocal.withInitial(() -> {
            Slot slot = new Slot(Thread.currentThread());
            slots.put(slot.thread, slot);
            return slot;
        });
    }

    /** The current thread enters the listener to handle {@code what} (an event; formatted only when reported). */
    Slot enter(Object what) {
        Slot slot = mine.get();
        if (slot.depth++ == 0) {
            slot.what = what;
            slot.enteredAt = nanos.getAsLong();
            slot.busy = true;
        }
        return slot;
    }

    void exit(Slot slot) {
        if (--slot.depth == 0) {
            slot.busy = false;
            slot.what = null;
        }
    }

    /** The call that has been running longest, if one has run longer than {@code bound}. */
    Optional<Running> longestRunning(Duration bound) {
        long now = nanos.getAsLong();
        Slot worst = null;
        long worstFor = bound.toNanos();
        for (Slot slot : slots.values()) {
            if (!slot.thread.isAlive()) {
                slots.remove(slot.thread);
                continue;
            }
            if (slot.busy) {
                long runningFor = now - slot.enteredAt;
                if (runningFor > worstFor) {
                    worst = slot;
                    worstFor = runningFor;
                }
            }
        }
        Object what = worst == null ? null : worst.what;
        return worst == null || !worst.busy ? Optional.empty()
                : Optional.of(new Running(worst.thread, what, Duration.ofNanos(worstFor)));
    }

    int threadsSeen() {
        return slots.size();
    }
}
