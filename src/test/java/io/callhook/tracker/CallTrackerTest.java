package io.callhook.tracker;

import io.callhook.call.DeviceType;
import io.callhook.call.Direction;
import io.callhook.call.LegInfo;
import io.callhook.call.LegKey;
import io.callhook.call.LegState;
import io.callhook.call.Party;
import io.callhook.call.Signal;
import io.callhook.call.TerminationReason;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CallTrackerTest {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final Set<LegState> DEFAULT = EnumSet.of(LegState.EARLY, LegState.CONFIRMED, LegState.TERMINATED);

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = T0;
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        void advance(Duration d) { now = now.plus(d); }
    }

    final ManualClock clock = new ManualClock();
    final List<LegEvent> published = new ArrayList<>();
    Map<String, Set<LegState>> states = Map.of("a", DEFAULT, "b", EnumSet.allOf(LegState.class));
    final CallTracker tracker = new CallTracker(clock, org -> states.get(org), published::add,
            Duration.ofHours(1), Duration.ofSeconds(32));

    static LegInfo info(String org, Direction direction) {
        return new LegInfo(org, direction, new Party("u@" + org, null, "+1"), DeviceType.SOFT, Party.external("+2"));
    }

    void answeredCall(LegKey key, String org, String tag) {
        tracker.onSignal(new Signal.Started(key, info(org, Direction.INCOMING), clock.instant()));
        tracker.onSignal(new Signal.Provisional(key, 180, tag, clock.instant()));
        tracker.onSignal(new Signal.Answered(key, 200, tag, clock.instant()));
    }

    @Test
    void seqNumCountsOnlyTheStatesTheOrganizationWants() {
        LegKey leg = new LegKey("c1", "b1");
        answeredCall(leg, "a", "t");
        tracker.onBye("c1", "caller-tag", "t", clock.instant());

        assertThat(published).extracting(e -> e.transition().state())
                .containsExactly(LegState.EARLY, LegState.CONFIRMED, LegState.TERMINATED);
        assertThat(published).extracting(LegEvent::seqNum).containsExactly(1L, 2L, 3L);
        assertThat(published.get(2).transition().reason()).isEqualTo(TerminationReason.HANGUP);
    }

    @Test
    void seqNumIsPerOrganizationWithinOneCall() {
        answeredCall(new LegKey("c1", "out"), "b", "t"); // caller's org wants TRYING too
        answeredCall(new LegKey("c1", "in"), "a", "t");
        tracker.onBye("c1", "x", "t", clock.instant());

        assertThat(published).filteredOn(e -> e.leg().info().organizationId().equals("b"))
                .extracting(LegEvent::seqNum).containsExactly(1L, 2L, 3L, 4L);
        assertThat(published).filteredOn(e -> e.leg().info().organizationId().equals("a"))
                .extracting(LegEvent::seqNum).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aByeFromTheCalleeSideEndsTheLegToo() {
        answeredCall(new LegKey("c1", "b1"), "a", "callee-tag");
        tracker.onBye("c1", "callee-tag", "caller-tag", clock.instant());

        assertThat(published).last().extracting(e -> e.transition().state()).isEqualTo(LegState.TERMINATED);
        assertThat(tracker.liveLegs()).isZero();
    }

    @Test
    void aByeForAnotherDialogOfTheCallEndsOnlyThatLeg() {
        answeredCall(new LegKey("c1", "b1"), "a", "tag-1");
        tracker.onBye("c1", "caller", "tag-2", clock.instant());

        assertThat(published).extracting(e -> e.transition().state()).doesNotContain(LegState.TERMINATED);
        assertThat(tracker.liveLegs()).isEqualTo(1);
    }

    @Test
    void confirmedLegOlderThanMaxCallDurationEndsAsHangupOnSweep() {
        answeredCall(new LegKey("c1", "b1"), "a", "t");
        clock.advance(Duration.ofMinutes(59));
        tracker.sweep();
        assertThat(tracker.liveLegs()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        tracker.sweep();

        assertThat(tracker.liveLegs()).isZero();
        LegEvent last = published.get(published.size() - 1);
        assertThat(last.transition().reason()).isEqualTo(TerminationReason.HANGUP);
        assertThat(last.transition().at()).isEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void finishedCallIsForgottenAfterLingerAndSeqNeverRestartsBeforeThat() {
        LegKey leg = new LegKey("c1", "b1");
        answeredCall(leg, "a", "t");
        tracker.onBye("c1", "x", "t", clock.instant());
        clock.advance(Duration.ofSeconds(31));
        tracker.sweep();
        assertThat(tracker.trackedCalls()).isEqualTo(1);

        tracker.onSignal(new Signal.Started(new LegKey("c1", "b2"), info("a", Direction.INCOMING), clock.instant()));
        tracker.onSignal(new Signal.Provisional(new LegKey("c1", "b2"), 180, "u", clock.instant()));
        assertThat(published).last().extracting(LegEvent::seqNum).isEqualTo(4L);

        tracker.onSignal(new Signal.Failed(new LegKey("c1", "b2"), 486, clock.instant()));
        clock.advance(Duration.ofSeconds(32));
        tracker.sweep();
        assertThat(tracker.trackedCalls()).isZero();
        assertThat(tracker.liveLegs()).isZero();
    }

    @Test
    void signalsForUnknownCallsAreIgnored() {
        tracker.onSignal(new Signal.Answered(new LegKey("nope", "b"), 200, "t", clock.instant()));
        tracker.onBye("nope", "a", "b", clock.instant());

        assertThat(published).isEmpty();
        assertThat(tracker.trackedCalls()).isZero();
    }

    @Test
    void aChallengedAttemptEmitsNothingAndLeavesNoLiveLeg() {
        LegKey leg = new LegKey("c1", "b1");
        tracker.onSignal(new Signal.Started(leg, info("a", Direction.OUTGOING), clock.instant()));
        tracker.onSignal(new Signal.Failed(leg, 407, clock.instant()));

        assertThat(published).isEmpty();
        assertThat(tracker.liveLegs()).isZero();
    }
}
