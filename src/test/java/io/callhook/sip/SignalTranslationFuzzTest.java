package io.callhook.sip;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import io.callhook.call.Direction;
import io.callhook.call.Leg;
import io.callhook.call.LegInfo;
import io.callhook.call.LegKey;
import io.callhook.call.LegMachine;
import io.callhook.call.LegState;
import io.callhook.call.Party;
import io.callhook.call.Signal;
import io.callhook.call.Step;
import io.callhook.call.TerminationReason;
import io.callhook.call.Transition;

import javax.sip.header.Header;
import javax.sip.header.ReasonHeader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the SIP layer hands the core, fuzzed: arbitrary Reason headers through {@link CancelReasons}
 * (what a CANCEL's Reason makes of the leg's end), and arbitrary sequences of {@link Signal}s
 * (any status, tag, order, repetition, Cancelling reasons from those Reason headers) through
 * {@link LegMachine#step}. Every build runs the seeds in {@code SignalTranslationFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SignalTranslationFuzzTest {

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    private static final LegKey KEY = new LegKey("call-1", "z9hG4bKch1");
    private static final LegInfo INFO = new LegInfo("org", Direction.INCOMING, new Party("u", "u@x", "+358401"),
            null, Party.external("+358402"));
    private static final Set<TerminationReason> CANCEL_MEANINGS =
            EnumSet.of(TerminationReason.CANCELLED, TerminationReason.ANSWERED_ELSEWHERE);

    /**
     * Any list of headers means CANCELLED or ANSWERED_ELSEWHERE, never anything else nor an exception;
     * ANSWERED_ELSEWHERE exactly when one is a Reason with {@code SIP;cause=200} or {@code Q.850;cause=26}.
     */
    @FuzzTest(maxDuration = "3m")
    void cancelReasons(FuzzedDataProvider data) {
        List<Header> headers = reasonHeaders(data);
        TerminationReason meaning = CancelReasons.meaning(headers);
        assertThat(meaning).isIn(CANCEL_MEANINGS);
        boolean elsewhere = headers.stream().anyMatch(h -> h instanceof ReasonHeader r && r.getProtocol() != null
                && ((r.getProtocol().toUpperCase(Locale.ROOT).equals("SIP") && r.getCause() == 200)
                || (r.getProtocol().toUpperCase(Locale.ROOT).equals("Q.850") && r.getCause() == 26)));
        assertThat(meaning == TerminationReason.ANSWERED_ELSEWHERE).as("%s", headers).isEqualTo(elsewhere);
    }

    /**
     * Any sequence of signals for one leg: the machine never throws; states only move forward, each
     * at most once; a transition names the state the leg is now in, carries a reason exactly when
     * it is TERMINATED, and is stamped with the signal's time (or {@code now} for the proxy's own
     * signals); CONFIRMED comes only from a 2xx, HANGUP only after CONFIRMED; once TERMINATED the
     * leg never changes and nothing after it is an event.
     */
    @FuzzTest(maxDuration = "3m")
    void legMachine(FuzzedDataProvider data) {
        Leg leg = null;
        Set<LegState> emitted = EnumSet.noneOf(LegState.class);
        int count = data.consumeInt(1, 60);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            Instant now = Instant.ofEpochSecond(1_700_000_000L + i);
            Signal signal = signal(data, now.minusMillis(data.consumeInt(0, 500)));
            Step step = LegMachine.step(leg, signal, now);

            assertThat(step).isNotNull();
            assertThat(step.transition()).isNotNull();
            assertThat(step.unexpected()).isNotNull();
            if (leg != null && leg.isTerminated()) {
                assertThat(step.transition()).as("an event after TERMINATED").isEmpty();
                assertThat(step.next()).isEqualTo(leg);
            }
            if (leg != null) {
                assertThat(step.next()).as("a leg never disappears").isNotNull();
                assertThat(step.next().key()).isEqualTo(KEY);
                assertThat(step.next().state().ordinal()).as("states only move forward")
                        .isGreaterThanOrEqualTo(leg.state().ordinal());
            }
            if (step.transition().isPresent()) {
                Transition t = step.transition().get();
                assertThat(step.next().state()).isEqualTo(t.state());
                assertThat(emitted.add(t.state())).as("%s emitted twice", t.state()).isTrue();
                assertThat(t.reason() != null).as("reason only on TERMINATED").isEqualTo(t.state() == LegState.TERMINATED);
                assertThat(t.at()).isIn(signalTime(signal), now);
                if (t.state() == LegState.CONFIRMED) {
                    assertThat(signal).isInstanceOf(Signal.Answered.class);
                }
                if (t.reason() == TerminationReason.HANGUP) {
                    assertThat(leg.state()).isEqualTo(LegState.CONFIRMED);
                }
                if (leg == null) {
                    assertThat(t.state()).isEqualTo(LegState.TRYING);
                }
            } else if (leg != null && !leg.isTerminated() && step.next().isTerminated()) {
                // the only silent end: a 401/407 challenge before a dialog, the retried INVITE is a new leg
                assertThat(signal).isInstanceOf(Signal.Failed.class);
                assertThat(((Signal.Failed) signal).status()).isIn(401, 407);
                assertThat(step.next().reason()).isNull();
            }
            leg = step.next();
        }
    }

    private static Signal signal(FuzzedDataProvider data, Instant at) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> new Signal.Started(KEY, INFO, at);
            case 1 -> new Signal.Provisional(KEY, status(data, 100, 199), tag(data), at);
            case 2 -> new Signal.Answered(KEY, status(data, 200, 299), tag(data), at);
            case 3 -> new Signal.Failed(KEY, status(data, 300, 699), at);
            case 4 -> new Signal.Cancelling(KEY, CancelReasons.meaning(reasonHeaders(data)), at);
            case 5 -> new Signal.Hangup(KEY, at);
            case 6 -> new Signal.TimedOut(KEY);
            default -> new Signal.Expired(KEY);
        };
    }

    /** Mostly the range the SIP layer sends, sometimes any int (a broken peer's status line). */
    private static int status(FuzzedDataProvider data, int low, int high) {
        return data.consumeBoolean() ? data.consumeInt(low, high) : data.consumeInt();
    }

    private static String tag(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : data.consumeString(12);
    }

    private static Instant signalTime(Signal s) {
        if (s instanceof Signal.Started x) {
            return x.at();
        }
        if (s instanceof Signal.Provisional x) {
            return x.at();
        }
        if (s instanceof Signal.Answered x) {
            return x.at();
        }
        if (s instanceof Signal.Failed x) {
            return x.at();
        }
        if (s instanceof Signal.Cancelling x) {
            return x.at();
        }
        if (s instanceof Signal.Hangup x) {
            return x.at();
        }
        return null; // TimedOut, Expired: the proxy's own, stamped with now
    }

    /** Reason headers as a CANCEL may carry them: built from parts, parsed from any text, or other headers. */
    private static List<Header> reasonHeaders(FuzzedDataProvider data) {
        List<Header> headers = new ArrayList<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            try {
                switch (data.consumeInt(0, 2)) {
                    case 0 -> headers.add(HEADERS.createReasonHeader(
                            data.pickValue(List.of("SIP", "sip", "Q.850", "q.850", "X", "")), data.consumeInt(-1, 700),
                            data.consumeBoolean() ? null : data.consumeString(20)));
                    case 1 -> headers.add(HEADERS.createHeader("Reason", data.consumeString(60)));
                    default -> headers.add(HEADERS.createHeader("Subject", data.consumeString(20)));
                }
            } catch (java.text.ParseException | javax.sip.InvalidArgumentException | IllegalArgumentException
                     | NullPointerException invalid) {
                // the stack would not have parsed such a header: the CANCEL never carries it
            }
        }
        return headers;
    }
}
