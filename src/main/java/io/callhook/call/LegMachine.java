package io.callhook.call;

import java.time.Instant;

/**
 * The leg state machine of SPEC §2 (RFC 4235 dialog states), as a pure function.
 *
 * <pre>
 *                Started
 *                   │
 *                   ▼            1xx, no To-tag (not 100)
 *               TRYING ───────────────────────────► PROCEEDING
 *                 │  │                                 │  │
 *                 │  │ 1xx with To-tag (180, 183)      │  │ 1xx with To-tag
 *                 │  └──────────────► EARLY ◄──────────┘  │
 *                 │                     │                 │
 *                 │ 2xx                 │ 2xx             │ 2xx
 *                 └───────────────► CONFIRMED ◄───────────┘
 *                                       │
 *                                       │ Hangup (BYE) / Expired → HANGUP
 *                                       ▼
 *   any state before CONFIRMED ──► TERMINATED
 *     final non-2xx / TimedOut → REJECTED, or the pending CANCEL's reason
 *                                (CANCELLED / ANSWERED_ELSEWHERE) when a Cancelling came first
 * </pre>
 *
 * <p>Rules that make a signal <em>not</em> an event (SPEC §2): 100 Trying; a repeated 1xx on an
 * EARLY leg; any 1xx after CONFIRMED; a 2xx on a leg already CONFIRMED (retransmission, or another
 * fork downstream); a Cancelling (the leg ends at the INVITE's final response, so the 487 that
 * follows a CANCEL is not a second event); a 401/407 challenge on a leg that has no dialog yet
 * (TRYING or PROCEEDING): the leg ends silently and the re-sent INVITE starts a new one; anything
 * after TERMINATED. States only move forward and a leg emits each state at most once.
 *
 * <p>Signals that cannot happen in the leg's state (a BYE before answer, a final response after
 * CONFIRMED, a second Started) change nothing and come back marked {@code unexpected}.
 */
public final class LegMachine {

    private LegMachine() {}

    /**
     * @param leg    the leg as it is, or null when none exists for the signal's key yet
     * @param signal what was observed
     * @param now    the time to stamp on transitions of signals the proxy raised itself
     */
    public static Step step(Leg leg, Signal signal, Instant now) {
        if (leg == null) {
            if (signal instanceof Signal.Started s) {
                Leg started = Leg.start(s.key(), s.info(), s.at());
                return Step.moved(started, new Transition(LegState.TRYING, null, s.at()));
            }
            return Step.unexpected(null, "no live leg for " + describe(signal));
        }
        if (leg.isTerminated()) {
            return Step.quiet(leg);
        }
        if (signal instanceof Signal.Started) {
            return Step.unexpected(leg, "leg already started");
        }
        if (signal instanceof Signal.Provisional p) {
            return provisional(leg, p);
        }
        if (signal instanceof Signal.Answered a) {
            return answered(leg, a);
        }
        if (signal instanceof Signal.Failed f) {
            return failed(leg, f);
        }
        if (signal instanceof Signal.Cancelling c) {
            return cancelling(leg, c);
        }
        if (signal instanceof Signal.Hangup h) {
            return hangup(leg, h.at(), "BYE");
        }
        if (signal instanceof Signal.Expired) {
            return hangup(leg, now, "max call duration");
        }
        if (signal instanceof Signal.TimedOut) {
            return endBeforeAnswer(leg, now, "transaction timeout");
        }
        throw new IllegalArgumentException("unknown signal " + signal);
    }

    private static Step provisional(Leg leg, Signal.Provisional p) {
        if (p.status() <= 100 || !leg.state().isBefore(LegState.EARLY)) {
            return Step.quiet(leg); // 100 Trying, repeated 18x on EARLY, late 1xx after 2xx
        }
        if (p.toTag() != null) {
            return Step.moved(leg.moveTo(LegState.EARLY), new Transition(LegState.EARLY, null, p.at()));
        }
        if (leg.state() == LegState.TRYING) {
            return Step.moved(leg.moveTo(LegState.PROCEEDING),
                    new Transition(LegState.PROCEEDING, null, p.at()));
        }
        return Step.quiet(leg);
    }

    private static Step answered(Leg leg, Signal.Answered a) {
        if (leg.state() == LegState.CONFIRMED) {
            return Step.quiet(leg); // 2xx retransmission, or a second fork answering downstream
        }
        return Step.moved(leg.confirm(a.toTag(), a.at()), new Transition(LegState.CONFIRMED, null, a.at()));
    }

    private static Step failed(Leg leg, Signal.Failed f) {
        if (leg.state() == LegState.CONFIRMED) {
            return Step.unexpected(leg, "final " + f.status() + " after the leg was confirmed");
        }
        boolean challenge = f.status() == 401 || f.status() == 407;
        if (challenge && leg.state().isBefore(LegState.EARLY) && leg.pendingCancel() == null) {
            return Step.quiet(leg.terminate(null)); // the re-sent INVITE is a new leg attempt
        }
        return endBeforeAnswer(leg, f.at(), "final " + f.status());
    }

    private static Step endBeforeAnswer(Leg leg, Instant at, String what) {
        if (leg.state() == LegState.CONFIRMED) {
            return Step.unexpected(leg, what + " after the leg was confirmed");
        }
        TerminationReason why = leg.pendingCancel() != null ? leg.pendingCancel() : TerminationReason.REJECTED;
        return Step.moved(leg.terminate(why), new Transition(LegState.TERMINATED, why, at));
    }

    private static Step cancelling(Leg leg, Signal.Cancelling c) {
        if (leg.state() == LegState.CONFIRMED || leg.pendingCancel() != null) {
            return Step.quiet(leg); // too late, or already cancelling: the first reason stands
        }
        return Step.quiet(leg.withPendingCancel(c.reason()));
    }

    private static Step hangup(Leg leg, Instant at, String what) {
        if (leg.state() != LegState.CONFIRMED) {
            return Step.unexpected(leg, what + " on a leg in " + leg.state());
        }
        return Step.moved(leg.terminate(TerminationReason.HANGUP),
                new Transition(LegState.TERMINATED, TerminationReason.HANGUP, at));
    }

    private static String describe(Signal signal) {
        return signal.getClass().getSimpleName() + " " + signal.key();
    }
}
