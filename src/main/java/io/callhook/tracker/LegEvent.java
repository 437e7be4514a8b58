package io.callhook.tracker;

import io.callhook.call.Leg;
import io.callhook.call.Transition;

/** A transition to publish: the leg after it, what changed, and its {@code seq_num} for the organization. */
public record LegEvent(Leg leg, Transition transition, long seqNum) {}
