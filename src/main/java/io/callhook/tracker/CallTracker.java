package io.callhook.tracker;

import io.callhook.call.Leg;
import io.callhook.call.LegKey;
import io.callhook.call.LegMachine;
import io.callhook.call.LegState;
import io.callhook.call.Signal;
import io.callhook.call.Step;
import io.callhook.call.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Keeps the live legs of every call, runs each signal through {@link LegMachine}, numbers the
 * transitions an organization subscribed to, and hands them to the sink.
 *
 * <p>Threading: {@link #onSignal} and {@link #onBye} are called on SIP threads; {@link #sweep} on
 * a timer thread. Each call is a lane guarded by its {@link CallRecord}'s monitor, so signals of one
 * Call-ID are applied and published one at a time, in order; different calls never wait on each
 * other. Nothing here blocks: the sink only enqueues.
 */
public final class CallTracker {

    private static final Logger STATE_LOG = LoggerFactory.getLogger("io.callhook.state");
    private static final Logger LOG = LoggerFactory.getLogger(CallTracker.class);

    private final Map<String, CallRecord> calls = new ConcurrentHashMap<>();
    private final AtomicInteger liveLegs = new AtomicInteger();
    private final Clock clock;
    private final Function<String, Set<LegState>> subscribedStates;
    private final LegEventSink sink;
    private final Duration maxCallDuration;
    private final Duration linger;
    private final LegStore store;

    /**
     * @param subscribedStates which states an organization wants POSTed (by organization id)
     * @param maxCallDuration  a confirmed leg older than this is ended (HANGUP) by {@link #sweep}
     * @param linger           how long a call with no live leg is remembered, so late signals
     *                         (retransmitted BYEs) find it and seq numbers never restart
     */
    public CallTracker(Clock clock, Function<String, Set<LegState>> subscribedStates, LegEventSink sink,
                       Duration maxCallDuration, Duration linger) {
        this(clock, subscribedStates, sink, maxCallDuration, linger, LegStore.NONE);
    }

    /** @param store hears every leg change, seq advance and forgotten call, to survive restarts */
    public CallTracker(Clock clock, Function<String, Set<LegState>> subscribedStates, LegEventSink sink,
                       Duration maxCallDuration, Duration linger, LegStore store) {
        this.clock = clock;
        this.subscribedStates = subscribedStates;
        this.sink = sink;
        this.maxCallDuration = maxCallDuration;
        this.linger = linger;
        this.store = store;
    }

    /**
     * Seeds the tracker with what a {@link LegStore} kept before a restart: the live legs carry on
     * (a BYE finds its confirmed leg), and each call's seq_num continues where it stopped. Call
     * before the first signal. A call restored without a live leg lingers like any quiet call.
     */
    public void restore(TrackerSnapshot snapshot) {
        Instant now = clock.instant();
        for (Leg leg : snapshot.liveLegs()) {
            CallRecord record = calls.computeIfAbsent(leg.key().callId(), CallRecord::new);
            synchronized (record) {
                Leg before = record.legsByBranch.put(leg.key().branchId(), leg);
                if (!leg.isTerminated() && (before == null || before.isTerminated())) {
                    liveLegs.incrementAndGet();
                }
            }
        }
        snapshot.seqByCall().forEach((callId, seqs) -> {
            CallRecord record = calls.computeIfAbsent(callId, CallRecord::new);
            synchronized (record) {
                seqs.forEach(record::restoreSeq);
            }
        });
        for (CallRecord record : calls.values()) {
            synchronized (record) {
                record.quietSince = record.hasLiveLegs() ? null : now;
                reschedule(record);
            }
        }
    }

    /** Applies one leg signal. A {@link Signal.Started} opens the call if needed. */
    public void onSignal(Signal signal) {
        String callId = signal.key().callId();
        while (true) {
            CallRecord record = signal instanceof Signal.Started
                    ? calls.computeIfAbsent(callId, CallRecord::new)
                    : calls.get(callId);
            if (record == null) {
                LOG.debug("call_id={} no live call for {}", callId, signal);
                return;
            }
            synchronized (record) {
                if (record.removed) {
                    continue; // the sweep dropped it between lookup and lock: look again
                }
                apply(record, signal);
                return;
            }
        }
    }

    /**
     * A BYE in the call: ends every confirmed leg whose dialog it names (either tag may be the
     * one the leg's 2xx carried, whichever side hung up).
     */
    public void onBye(String callId, String fromTag, String toTag, Instant at) {
        CallRecord record = calls.get(callId);
        if (record == null) {
            LOG.debug("call_id={} BYE for no live call", callId);
            return;
        }
        synchronized (record) {
            List<Leg> matching = new ArrayList<>();
            for (Leg leg : record.legsByBranch.values()) {
                if (leg.state() == LegState.CONFIRMED && leg.dialogTag() != null
                        && (leg.dialogTag().equals(fromTag) || leg.dialogTag().equals(toTag))) {
                    matching.add(leg);
                }
            }
            for (Leg leg : matching) {
                apply(record, new Signal.Hangup(leg.key(), at));
            }
        }
    }

    /**
     * Ends confirmed legs older than {@code max_call_duration} (their BYE was lost) and forgets
     * calls that have had no live leg for {@code linger}. Called periodically.
     */
    public void sweep() {
        Instant now = clock.instant();
        long nowMillis = now.toEpochMilli();
        for (CallRecord record : calls.values()) {
            if (record.sweepDueAt > nowMillis) {
                continue; // most calls: nothing due, and no lock taken
            }
            synchronized (record) {
                for (Leg leg : List.copyOf(record.legsByBranch.values())) {
                    if (leg.state() == LegState.CONFIRMED
                            && !leg.confirmedAt().plus(maxCallDuration).isAfter(now)) {
                        LOG.warn("call_id={} branch_id={} confirmed for longer than max_call_duration {}: "
                                + "ending it as HANGUP (its BYE was lost?)", record.callId, leg.key().branchId(),
                                maxCallDuration);
                        apply(record, new Signal.Expired(leg.key()));
                    }
                }
                if (record.quietSince != null && !record.quietSince.plus(linger).isAfter(now)) {
                    record.removed = true;
                    calls.remove(record.callId, record);
                    store.callForgotten(record.callId);
                }
            }
        }
    }

    /** Legs not yet TERMINATED, across all calls. */
    public int liveLegs() {
        return liveLegs.get();
    }

    /** Legs by state and calls with a live leg, counted now (for metrics; scans every call). */
    public Census census() {
        Map<LegState, Integer> legs = new java.util.EnumMap<>(LegState.class);
        int liveCalls = 0;
        for (CallRecord record : calls.values()) {
            synchronized (record) {
                for (Leg leg : record.legsByBranch.values()) {
                    legs.merge(leg.state(), 1, Integer::sum);
                }
                liveCalls += record.hasLiveLegs() ? 1 : 0;
            }
        }
        return new Census(legs, liveCalls, calls.size());
    }

    /**
     * A count of what the tracker holds.
     *
     * @param legsByState legs remembered, by state (TERMINATED ones until their call is forgotten)
     * @param liveCalls   calls with at least one live leg
     * @param trackedCalls calls remembered, live or lingering
     */
    public record Census(Map<LegState, Integer> legsByState, int liveCalls, int trackedCalls) {}

    /** Calls remembered (live, or lingering after their last leg ended). */
    public int trackedCalls() {
        return calls.size();
    }

    private void apply(CallRecord record, Signal signal) {
        LegKey key = signal.key();
        Leg before = record.legsByBranch.get(key.branchId());
        Step step = LegMachine.step(before, signal, clock.instant());
        step.unexpected().ifPresent(why ->
                LOG.warn("call_id={} branch_id={} unexpected {}: {}", key.callId(), key.branchId(),
                        signal.getClass().getSimpleName(), why));
        Leg after = step.next();
        if (after == null) {
            return;
        }
        record.legsByBranch.put(key.branchId(), after);
        if (!after.equals(before)) {
            store.legChanged(after);
        }
        boolean wasLive = before != null && !before.isTerminated();
        boolean isLive = !after.isTerminated();
        if (isLive && !wasLive) {
            liveLegs.incrementAndGet();
            record.quietSince = null;
        } else if (wasLive && !isLive) {
            liveLegs.decrementAndGet();
            if (!record.hasLiveLegs()) {
                record.quietSince = clock.instant();
            }
        }
        reschedule(record);
        step.transition().ifPresent(t -> publish(record, after, t));
    }

    /** Sets when the sweep next has something to do with the record (under its monitor). */
    private void reschedule(CallRecord record) {
        long due = record.quietSince == null ? Long.MAX_VALUE : epochMillis(record.quietSince.plus(linger));
        for (Leg leg : record.legsByBranch.values()) {
            if (leg.state() == LegState.CONFIRMED && leg.confirmedAt() != null) {
                due = Math.min(due, epochMillis(leg.confirmedAt().plus(maxCallDuration)));
            }
        }
        record.sweepDueAt = due;
    }

    private static long epochMillis(Instant at) {
        try {
            return at.toEpochMilli();
        } catch (ArithmeticException farFuture) {
            return Long.MAX_VALUE;
        }
    }

    private void publish(CallRecord record, Leg leg, Transition t) {
        String org = leg.info().organizationId();
        boolean subscribed = subscribedStates.apply(org).contains(t.state());
        long seq = subscribed ? record.nextSeq(org) : 0;
        if (subscribed) {
            store.seqAdvanced(record.callId, org, seq);
        }
        if (STATE_LOG.isInfoEnabled()) {
            STATE_LOG.info("state call_id={} branch_id={} org={} direction={} user={} state={}{} seq={}",
                    record.callId, leg.key().branchId(), org, leg.info().direction(), leg.info().local().userId(),
                    t.state(), t.reason() == null ? "" : " reason=" + t.reason(), subscribed ? seq : "-");
        }
        if (subscribed) {
            sink.accept(new LegEvent(leg, t, seq));
        }
    }
}
