package io.callhook.call;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.callhook.call.LegState.CONFIRMED;
import static io.callhook.call.LegState.EARLY;
import static io.callhook.call.LegState.PROCEEDING;
import static io.callhook.call.LegState.TERMINATED;
import static io.callhook.call.LegState.TRYING;
import static io.callhook.call.TerminationReason.ANSWERED_ELSEWHERE;
import static io.callhook.call.TerminationReason.CANCELLED;
import static io.callhook.call.TerminationReason.HANGUP;
import static io.callhook.call.TerminationReason.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;

/** Every transition of SPEC §2 and every "not an event" rule, one row each. */
class LegMachineTest {

    static final LegKey KEY = new LegKey("call-1", "z9hG4bK-1");
    static final LegInfo INFO = new LegInfo("org", Direction.INCOMING, new Party("u", "u@x", "+358942721234"),
            DeviceType.SOFT, Party.external("+358409401234"));
    static final Instant T0 = Instant.parse("2021-09-30T10:36:19.315Z");
    static final Instant T1 = T0.plusSeconds(1);
    static final Instant NOW = T0.plusSeconds(99);

    /** A leg brought to {@code state} the ordinary way (and, for "cancelling", with a CANCEL pending). */
    static Leg legIn(String state) {
        Leg leg = Leg.start(KEY, INFO, T0);
        return switch (state) {
            case "TRYING" -> leg;
            case "PROCEEDING" -> run(leg, new Signal.Provisional(KEY, 181, null, T0));
            case "EARLY" -> run(leg, new Signal.Provisional(KEY, 180, "tag", T0));
            case "EARLY+cancelling" -> run(legIn("EARLY"), new Signal.Cancelling(KEY, CANCELLED, T0));
            case "EARLY+answered-elsewhere" -> run(legIn("EARLY"), new Signal.Cancelling(KEY, ANSWERED_ELSEWHERE, T0));
            case "TRYING+cancelling" -> run(leg, new Signal.Cancelling(KEY, CANCELLED, T0));
            case "CONFIRMED" -> run(legIn("EARLY"), new Signal.Answered(KEY, 200, "tag", T0));
            case "TERMINATED" -> run(legIn("EARLY"), new Signal.Failed(KEY, 486, T0));
            default -> throw new IllegalArgumentException(state);
        };
    }

    private static Leg run(Leg leg, Signal s) {
        return LegMachine.step(leg, s, T0).next();
    }

    static Stream<Arguments> table() {
        Function<LegKey, Signal> p100 = k -> new Signal.Provisional(k, 100, null, T1);
        Function<LegKey, Signal> p180tag = k -> new Signal.Provisional(k, 180, "tag", T1);
        Function<LegKey, Signal> p183tag = k -> new Signal.Provisional(k, 183, "tag", T1);
        Function<LegKey, Signal> p181noTag = k -> new Signal.Provisional(k, 181, null, T1);
        Function<LegKey, Signal> ok = k -> new Signal.Answered(k, 200, "tag", T1);
        Function<LegKey, Signal> busy = k -> new Signal.Failed(k, 486, T1);
        Function<LegKey, Signal> declined = k -> new Signal.Failed(k, 603, T1);
        Function<LegKey, Signal> terminated487 = k -> new Signal.Failed(k, 487, T1);
        Function<LegKey, Signal> challenge401 = k -> new Signal.Failed(k, 401, T1);
        Function<LegKey, Signal> challenge407 = k -> new Signal.Failed(k, 407, T1);
        Function<LegKey, Signal> cancel = k -> new Signal.Cancelling(k, CANCELLED, T1);
        Function<LegKey, Signal> elsewhere = k -> new Signal.Cancelling(k, ANSWERED_ELSEWHERE, T1);
        Function<LegKey, Signal> bye = k -> new Signal.Hangup(k, T1);
        Function<LegKey, Signal> timeout = k -> new Signal.TimedOut(k);
        Function<LegKey, Signal> expired = k -> new Signal.Expired(k);
        Function<LegKey, Signal> started = k -> new Signal.Started(k, INFO, T1);
        return Stream.of(
                // from, signal, next state, emitted state (null: none), reason, at, unexpected
                row("TRYING", "100 Trying is not an event", p100, TRYING, null, null, null, false),
                row("TRYING", "1xx without To-tag", p181noTag, PROCEEDING, PROCEEDING, null, T1, false),
                row("TRYING", "180 with To-tag", p180tag, EARLY, EARLY, null, T1, false),
                row("TRYING", "183 with To-tag (early media)", p183tag, EARLY, EARLY, null, T1, false),
                row("TRYING", "2xx without ringing", ok, CONFIRMED, CONFIRMED, null, T1, false),
                row("TRYING", "486 busy", busy, TERMINATED, TERMINATED, REJECTED, T1, false),
                row("TRYING", "401 challenge ends the attempt silently", challenge401, TERMINATED, null, null, null, false),
                row("TRYING", "407 challenge ends the attempt silently", challenge407, TERMINATED, null, null, null, false),
                row("TRYING", "transaction timeout", timeout, TERMINATED, TERMINATED, REJECTED, NOW, false),
                row("TRYING", "CANCEL is not yet an event", cancel, TRYING, null, null, null, false),
                row("TRYING", "BYE before answer is unexpected", bye, TRYING, null, null, null, true),
                row("TRYING", "a second Started is unexpected", started, TRYING, null, null, null, true),
                row("PROCEEDING", "1xx with To-tag", p180tag, EARLY, EARLY, null, T1, false),
                row("PROCEEDING", "another 1xx without To-tag", p181noTag, PROCEEDING, null, null, null, false),
                row("PROCEEDING", "2xx", ok, CONFIRMED, CONFIRMED, null, T1, false),
                row("PROCEEDING", "407 challenge", challenge407, TERMINATED, null, null, null, false),
                row("EARLY", "repeated 180 is not an event", p180tag, EARLY, null, null, null, false),
                row("EARLY", "183 after 180 is not an event", p183tag, EARLY, null, null, null, false),
                row("EARLY", "2xx", ok, CONFIRMED, CONFIRMED, null, T1, false),
                row("EARLY", "603 declined", declined, TERMINATED, TERMINATED, REJECTED, T1, false),
                row("EARLY", "401 after ringing is a rejection", challenge401, TERMINATED, TERMINATED, REJECTED, T1, false),
                row("EARLY", "CANCEL waits for the final response", cancel, EARLY, null, null, null, false),
                row("EARLY", "timeout", timeout, TERMINATED, TERMINATED, REJECTED, NOW, false),
                row("EARLY+cancelling", "the 487 after a CANCEL ends it CANCELLED", terminated487, TERMINATED, TERMINATED, CANCELLED, T1, false),
                row("EARLY+cancelling", "a second CANCEL does not change the reason", elsewhere, EARLY, null, null, null, false),
                row("EARLY+cancelling", "a 2xx crossing the CANCEL confirms", ok, CONFIRMED, CONFIRMED, null, T1, false),
                row("EARLY+cancelling", "timeout after CANCEL ends it CANCELLED", timeout, TERMINATED, TERMINATED, CANCELLED, NOW, false),
                row("EARLY+answered-elsewhere", "487 ends it ANSWERED_ELSEWHERE", terminated487, TERMINATED, TERMINATED, ANSWERED_ELSEWHERE, T1, false),
                row("TRYING+cancelling", "a challenge after CANCEL is the final answer", challenge407, TERMINATED, TERMINATED, CANCELLED, T1, false),
                row("CONFIRMED", "BYE ends it HANGUP", bye, TERMINATED, TERMINATED, HANGUP, T1, false),
                row("CONFIRMED", "max call duration ends it HANGUP", expired, TERMINATED, TERMINATED, HANGUP, NOW, false),
                row("CONFIRMED", "2xx retransmission is not an event", ok, CONFIRMED, null, null, null, false),
                row("CONFIRMED", "late 180 is not an event", p180tag, CONFIRMED, null, null, null, false),
                row("CONFIRMED", "CANCEL after answer is not an event", cancel, CONFIRMED, null, null, null, false),
                row("CONFIRMED", "a final failure after 2xx is unexpected", busy, CONFIRMED, null, null, null, true),
                row("CONFIRMED", "a timeout after 2xx is unexpected", timeout, CONFIRMED, null, null, null, true),
                row("EARLY", "expiry before answer is unexpected", expired, EARLY, null, null, null, true),
                row("TERMINATED", "nothing after TERMINATED: BYE", bye, TERMINATED, null, null, null, false),
                row("TERMINATED", "nothing after TERMINATED: 2xx", ok, TERMINATED, null, null, null, false),
                row("TERMINATED", "nothing after TERMINATED: 180", p180tag, TERMINATED, null, null, null, false),
                row("TERMINATED", "nothing after TERMINATED: 486", busy, TERMINATED, null, null, null, false));
    }

    private static Arguments row(String from, String why, Function<LegKey, Signal> signal, LegState next,
                                 LegState emitted, TerminationReason reason, Instant at, boolean unexpected) {
        return Arguments.of(from, why, signal.apply(KEY), next, emitted, reason, at, unexpected);
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("table")
    void stepFollowsTheSpecTable(String from, String why, Signal signal, LegState next, LegState emitted,
                                 TerminationReason reason, Instant at, boolean unexpected) {
        Step step = LegMachine.step(legIn(from), signal, NOW);

        assertThat(step.next().state()).as("next state").isEqualTo(next);
        if (emitted == null) {
            assertThat(step.transition()).as("no event").isEmpty();
        } else {
            assertThat(step.transition()).as("event").contains(new Transition(emitted, reason, at));
        }
        assertThat(step.unexpected().isPresent()).as("unexpected").isEqualTo(unexpected);
        if (next == TERMINATED && emitted != null) {
            assertThat(step.next().reason()).isEqualTo(reason);
        }
    }

    @Test
    void startedOpensALegInTrying() {
        Step step = LegMachine.step(null, new Signal.Started(KEY, INFO, T0), NOW);

        assertThat(step.next().state()).isEqualTo(TRYING);
        assertThat(step.next().info()).isEqualTo(INFO);
        assertThat(step.transition()).contains(new Transition(TRYING, null, T0));
    }

    @Test
    void aSignalForNoLegIsUnexpectedAndCreatesNothing() {
        Step step = LegMachine.step(null, new Signal.Answered(KEY, 200, "t", T0), NOW);

        assertThat(step.next()).isNull();
        assertThat(step.unexpected()).isPresent();
    }

    @Test
    void theAnsweringToTagIsKeptAsTheLegsDialog() {
        Leg confirmed = LegMachine.step(legIn("EARLY"), new Signal.Answered(KEY, 200, "callee-tag", T1), NOW).next();

        assertThat(confirmed.dialogTag()).isEqualTo("callee-tag");
        assertThat(confirmed.confirmedAt()).isEqualTo(T1);
    }

    @Test
    void aWholeCallEmitsEachStateOnceAndTerminatedExactlyOnce() {
        Signal[] call = {
            new Signal.Started(KEY, INFO, T0), new Signal.Provisional(KEY, 100, null, T0),
            new Signal.Provisional(KEY, 180, "a", T0), new Signal.Provisional(KEY, 180, "a", T0),
            new Signal.Provisional(KEY, 183, "a", T0), new Signal.Answered(KEY, 200, "a", T1),
            new Signal.Answered(KEY, 200, "a", T1), new Signal.Hangup(KEY, T1), new Signal.Hangup(KEY, T1),
            new Signal.Expired(KEY)};
        Leg leg = null;
        java.util.List<LegState> emitted = new java.util.ArrayList<>();
        for (Signal s : call) {
            Step step = LegMachine.step(leg, s, NOW);
            leg = step.next();
            step.transition().ifPresent(t -> emitted.add(t.state()));
        }
        assertThat(emitted).containsExactly(TRYING, EARLY, CONFIRMED, TERMINATED);
    }
}
