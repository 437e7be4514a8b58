package io.callhook.tracker;

/**
 * Takes published transitions, in {@code seq_num} order per call. Called on SIP threads while the
 * call's lane is held: implementations must not block (hand over to a queue, never do I/O).
 */
@FunctionalInterface
public interface LegEventSink {
    void accept(LegEvent event);
}
