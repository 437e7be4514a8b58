package io.callhook.tracker;

import io.callhook.call.Leg;

import java.util.List;
import java.util.Map;

/**
 * What a {@link LegStore} kept, handed back to {@link CallTracker#restore} at start.
 *
 * @param liveLegs  legs not yet TERMINATED
 * @param seqByCall the last seq_num per call and organization
 */
public record TrackerSnapshot(List<Leg> liveLegs, Map<String, Map<String, Long>> seqByCall) {

    public static final TrackerSnapshot EMPTY = new TrackerSnapshot(List.of(), Map.of());

    public TrackerSnapshot {
        liveLegs = List.copyOf(liveLegs);
        seqByCall = Map.copyOf(seqByCall);
    }
}
