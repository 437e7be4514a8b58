package io.callhook.sip;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waiting datagrams in lanes by Call-ID, handed to the SIP worker threads so that no two workers
 * ever handle messages of one call at the same time, and each call's messages are handled in the
 * order they arrived. With one shared queue (the RI's) a 180 and the 200 right behind it were taken
 * by two workers at once and under load the 200 was relayed first: the caller saw 200 before 180.
 *
 * <p>A lane is taken by one worker at a time: it becomes available again when that worker comes
 * back for its next datagram (the RI's workers handle one datagram, listener included, between two
 * takes). Calls share {@link #LANES} lanes by a hash of their Call-ID, read from the raw bytes
 * (many lanes, so that two calls rarely share one and the order across calls stays close to arrival)
 * ({@link #laneOf}); a datagram without one goes to lane 0. Any free worker takes any available
 * lane, so the work still spreads over every worker; a worker that dies holding a lane stalls that
 * lane's calls (1 in {@value #LANES}), which the stack watchdog reports as a dead worker.
 *
 * <p>Thread-safe: one lock, held only to move an item in or out.
 */
final class CallOrderedLanes<T> {

    static final int LANES = 4096;

    private final int capacity;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<T>[] lanes = new ArrayDeque[LANES];
    private final boolean[] taken = new boolean[LANES];
    private final ArrayDeque<Integer> available = new ArrayDeque<>(); // non-empty lanes nobody has
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** The lane the calling worker took last, released at its next take. */
    private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[] {-1});
    private int size;

    CallOrderedLanes(int capacity) {
        this.capacity = capacity;
    }

    /** Adds {@code item} at the end of {@code lane}; false when {@code capacity} items already wait. */
    boolean offer(T item, int lane) {
        lock.lock();
        try {
            if (size >= capacity) {
                return false;
            }
            ArrayDeque<T> queue = lanes[lane];
            if (queue == null) {
                queue = new ArrayDeque<>(4);
                lanes[lane] = queue; // made on first use: most lanes of a quiet proxy never are
            }
            queue.addLast(item);
            size++;
            if (!taken[lane] && queue.size() == 1) {
                available.addLast(lane);
                notEmpty.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Releases the caller's previous lane, then waits for the head of an available lane. */
    T take() throws InterruptedException {
        return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /** {@link #take()} waiting at most {@code timeout}; null when nothing came. */
    T poll(long timeout, TimeUnit unit) throws InterruptedException {
        int[] mine = held.get();
        long nanos = unit.toNanos(timeout);
        lock.lock(); // not interruptibly: the lane this worker held must be released whatever happens
        try {
            release(mine);
            while (available.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            int lane = available.pollFirst();
            taken[lane] = true;
            mine[0] = lane;
            size--;
            return lanes[lane].pollFirst();
        } finally {
            lock.unlock();
        }
    }

    private void release(int[] mine) {
        int lane = mine[0];
        if (lane < 0) {
            return;
        }
        mine[0] = -1;
        taken[lane] = false;
        if (!lanes[lane].isEmpty()) {
            available.addLast(lane);
            notEmpty.signal();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lane of a SIP message: a hash of its Call-ID header's value ({@code Call-ID} or compact
     * {@code i}, any case), 0 when it has none. Reads only the header section, without parsing.
     */
    static int laneOf(byte[] message, int length) {
        int i = 0;
        while (i < length) {
            int eol = i;
            while (eol < length && message[eol] != '\n') {
                eol++;
            }
            int lineEnd = eol > i && message[eol - 1] == '\r' ? eol - 1 : eol;
            if (lineEnd == i && i > 0) {
                return 0; // the empty line: end of headers, no Call-ID
            }
            int value = callIdValueStart(message, i, lineEnd);
            if (value >= 0) {
                int end = lineEnd;
                while (end > value && (message[end - 1] == ' ' || message[end - 1] == '\t')) {
                    end--;
                }
                int h = 0;
                for (int k = value; k < end; k++) {
                    h = 31 * h + (message[k] & 0xff);
                }
                return Math.floorMod(h ^ (h >>> 16), LANES);
            }
            i = eol + 1;
        }
        return 0;
    }

    /** Where the value starts when the line {@code [from, to)} is a Call-ID header, else -1. */
    private static int callIdValueStart(byte[] m, int from, int to) {
        int name;
        if (startsWithIgnoreCase(m, from, to, "call-id")) {
            name = from + 7;
        } else if (from < to && (m[from] == 'i' || m[from] == 'I')) {
            name = from + 1;
        } else {
            return -1;
        }
        while (name < to && (m[name] == ' ' || m[name] == '\t')) {
            name++;
        }
        if (name >= to || m[name] != ':') {
            return -1;
        }
        name++;
        while (name < to && (m[name] == ' ' || m[name] == '\t')) {
            name++;
        }
        return name;
    }

    private static boolean startsWithIgnoreCase(byte[] m, int from, int to, String lower) {
        if (to - from < lower.length()) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            if (Character.toLowerCase((char) (m[from + k] & 0xff)) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
