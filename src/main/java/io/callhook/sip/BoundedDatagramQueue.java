package io.callhook.sip;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;

import java.net.DatagramPacket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The queue between the RI's UDP receive thread and its worker threads, bounded. The RI's own
 * queue is unbounded and each entry keeps a buffer of {@code MAX_MESSAGE_SIZE} bytes whatever the
 * datagram's length, so a flood faster than the workers grows the heap without limit. Here:
 *
 * <ul>
 *   <li>a {@link DatagramGate} may turn it away first (a flooding source, INVITEs under overload);</li>
 *   <li>a datagram that filled the whole receive buffer was cut short by the socket (it was
 *       {@code max_message_size} bytes or more): dropped, counted under {@code max_message_size};</li>
 *   <li>the rest keep only their own bytes (the 16 KiB buffer becomes young garbage at once);</li>
 *   <li>past {@code capacity} datagrams waiting, new ones are dropped, counted under {@code udp_queue};</li>
 *   <li>they wait in {@link CallOrderedLanes} by Call-ID: one worker at a time handles a call's
 *       messages, in arrival order;</li>
 *   <li>a worker taking a datagram notes how long it waited ({@link #waitedMillis()}, the overload
 *       signal: the listener runs on that same thread) and registers itself, so the watchdog can
 *       count the workers still alive ({@link #workers()}).</li>
 * </ul>
 *
 * <p>Threading: {@code offer} on the receive thread, {@code take} on the workers. It is a
 * {@code LinkedBlockingQueue} only for the RI's field type: the datagrams live in the lanes, and
 * only the methods the RI calls ({@code offer}, {@code take}, timed {@code poll}, {@code isEmpty})
 * and {@code size} are served.
 */
final class BoundedDatagramQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {

    /** How long the datagram the current thread is handling waited in a queue; 0 off the UDP workers. */
    private static final ThreadLocal<long[]> WAITED = ThreadLocal.withInitial(() -> new long[1]);

    private final transient IntervalLog limits;
    private final transient LongSupplier millis;
    private final transient Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final String where;
    /** Set by {@link SipServer} once access settings are known; until then every datagram passes. */
    private volatile DatagramGate gate;
    /** How long the last datagram a worker took had waited (the receive thread's overload signal). */
    private volatile long lastWaitMillis;

    private final transient CallOrderedLanes<DatagramQueuedMessageDispatch> lanes;

    BoundedDatagramQueue(int capacity, String where, IntervalLog limits, LongSupplier millis) {
        super(1); // unused storage, see the class comment
        this.lanes = new CallOrderedLanes<>(capacity);
        this.where = where;
        this.limits = limits;
        this.millis = millis;
    }

    /** Milliseconds the datagram now handled by this thread waited for it (0 on non-UDP threads). */
    static long waitedMillis() {
        return WAITED.get()[0];
    }

    void gateWith(DatagramGate gate) {
        this.gate = gate;
    }

    @Override
    public boolean offer(DatagramQueuedMessageDispatch dispatch) {
        DatagramPacket packet = dispatch.packet;
        byte[] buffer = packet.getData();
        DatagramGate g = gate;
        if (g != null && !g.admit(packet, isEmpty() ? 0 : lastWaitMillis)) { // empty: nothing waits now
            return false;
        }
        if (packet.getLength() >= buffer.length) {
            limits.hit("max_message_size", "a UDP datagram from {} on {} filled the {}-byte receive buffer: dropped",
                    packet.getAddress() == null ? "?" : packet.getAddress().getHostAddress(), where, buffer.length);
            return false;
        }
        packet.setData(Arrays.copyOfRange(buffer, packet.getOffset(), packet.getOffset() + packet.getLength()));
        if (lanes.offer(dispatch, CallOrderedLanes.laneOf(packet.getData(), packet.getLength()))) {
            return true;
        }
        limits.hit("udp_queue", "{} datagrams wait for a SIP thread on {}: new ones are dropped", size(), where);
        return false;
    }

    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        long[] waited = registered();
        return taken(waited, lanes.take());
    }

    @Override
    public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long[] waited = registered();
        return taken(waited, lanes.poll(timeout, unit));
    }

    @Override
    public int size() {
        return lanes.size();
    }

    @Override
    public boolean isEmpty() {
        return lanes.size() == 0;
    }

    /** The calling worker, known from its first take on (before it blocks there), for the watchdog. */
    private long[] registered() {
        long[] waited = WAITED.get();
        if (waited[0] == 0) {
            workers.add(Thread.currentThread());
            waited[0] = 1; // "registered"; from now on the last datagram's wait, at least 1 ms
        }
        return waited;
    }

    private DatagramQueuedMessageDispatch taken(long[] waited, DatagramQueuedMessageDispatch dispatch) {
        if (dispatch != null) { // the RI stamps reception with currentTimeMillis
            waited[0] = Math.max(1, millis.getAsLong() - dispatch.getReceptionTime());
            lastWaitMillis = waited[0];
        }
        return dispatch;
    }

    /** The worker threads that have taken from this queue (alive or not). */
    Set<Thread> workers() {
        return workers;
    }

    /** Where the drops are counted and logged. */
    IntervalLog drops() {
        return limits;
    }

    String where() {
        return where;
    }
}
