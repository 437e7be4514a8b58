package io.callhook.call;

import java.time.Instant;

/** A state a leg entered, and when: what becomes one event. {@code reason} only on TERMINATED. */
public record Transition(LegState state, TerminationReason reason, Instant at) {}
