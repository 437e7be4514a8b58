package io.callhook.tracker;

import io.callhook.call.Direction;
import io.callhook.call.Leg;
import io.callhook.call.LegKey;
import io.callhook.call.LegState;
import io.callhook.call.Signal;
import io.callhook.call.TerminationReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tracker tells its {@link LegStore}, and how a restarted tracker carries on from it. */
class CallTrackerRestoreTest {

    /** A LegStore that keeps what it hears in memory, as the SQLite journal keeps it on disk. */
    static final class MemoryStore implements LegStore {
        final Map<LegKey, Leg> live = new LinkedHashMap<>();
        final Map<String, Map<String, Long>> seqs = new HashMap<>();
        final List<String> heard = new ArrayList<>();

        @Override
        public void legChanged(Leg leg) {
            heard.add("leg " + leg.key().branchId() + " " + leg.state());
            if (leg.isTerminated()) {
                live.remove(leg.key());
            } else {
                live.put(leg.key(), leg);
            }
        }

        @Override
        public void seqAdvanced(String callId, String organizationId, long seq) {
            heard.add("seq " + organizationId + " " + seq);
            seqs.computeIfAbsent(callId, k -> new HashMap<>()).put(organizationId, seq);
        }

        @Override
        public void callForgotten(String callId) {
            heard.add("forgotten " + callId);
            seqs.remove(callId);
            live.keySet().removeIf(k -> k.callId().equals(callId));
        }

        TrackerSnapshot snapshot() {
            return new TrackerSnapshot(List.copyOf(live.values()), seqs);
        }
    }

    final CallTrackerTest.ManualClock clock = new CallTrackerTest.ManualClock();
    final MemoryStore store = new MemoryStore();
    final List<LegEvent> published = new ArrayList<>();

    CallTracker tracker(List<LegEvent> sink) {
        return new CallTracker(clock, org -> CallTrackerTest.DEFAULT, sink::add, Duration.ofHours(1),
                Duration.ofSeconds(32), store);
    }

    @Test
    void theStoreHearsEachLegChangeBeforeTheSeqOfTheEventItPublishes() {
        CallTracker tracker = tracker(published);
        LegKey key = new LegKey("c1", "b1");
        tracker.onSignal(new Signal.Started(key, CallTrackerTest.info("a", Direction.INCOMING), clock.instant()));
        tracker.onSignal(new Signal.Provisional(key, 180, "t", clock.instant()));
        tracker.onSignal(new Signal.Provisional(key, 180, "t", clock.instant())); // repeated: no change

        assertThat(store.heard).containsExactly("leg b1 TRYING", "leg b1 EARLY", "seq a 1");
    }

    @Test
    void aByeAfterARestartEndsTheRestoredLegWithTheNextSeqNum() {
        CallTracker before = tracker(new ArrayList<>());
        LegKey key = new LegKey("c1", "b1");
        before.onSignal(new Signal.Started(key, CallTrackerTest.info("a", Direction.INCOMING), clock.instant()));
        before.onSignal(new Signal.Provisional(key, 180, "callee-tag", clock.instant()));
        before.onSignal(new Signal.Answered(key, 200, "callee-tag", clock.instant()));

        CallTracker after = tracker(published);
        after.restore(store.snapshot());
        assertThat(after.liveLegs()).isEqualTo(1);
        after.onBye("c1", "caller-tag", "callee-tag", clock.instant());

        assertThat(published).hasSize(1);
        assertThat(published.get(0).seqNum()).isEqualTo(3);
        assertThat(published.get(0).transition().state()).isEqualTo(LegState.TERMINATED);
        assertThat(published.get(0).transition().reason()).isEqualTo(TerminationReason.HANGUP);
        assertThat(after.liveLegs()).isZero();
        assertThat(store.live).isEmpty();
    }

    @Test
    void aRestoredCallWithoutLiveLegsLingersAndIsForgottenLikeAnyOther() {
        CallTracker tracker = tracker(published);
        tracker.restore(new TrackerSnapshot(List.of(), Map.of("c9", Map.of("a", 4L))));
        assertThat(tracker.trackedCalls()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(33));
        tracker.sweep();

        assertThat(tracker.trackedCalls()).isZero();
        assertThat(store.heard).containsExactly("forgotten c9");
    }

    @Test
    void aRestoredConfirmedLegStillExpiresAfterMaxCallDuration() {
        CallTracker before = tracker(new ArrayList<>());
        LegKey key = new LegKey("c2", "b2");
        before.onSignal(new Signal.Started(key, CallTrackerTest.info("a", Direction.OUTGOING), clock.instant()));
        before.onSignal(new Signal.Answered(key, 200, "t", clock.instant()));
        CallTracker after = tracker(published);
        after.restore(store.snapshot());

        clock.advance(Duration.ofHours(1));
        after.sweep();

        assertThat(published).extracting(LegEvent::seqNum).containsExactly(2L);
        assertThat(published.get(0).transition().reason()).isEqualTo(TerminationReason.HANGUP);
        assertThat(Set.copyOf(store.live.keySet())).isEmpty();
    }
}
