package io.callhook.call;

/** The dialog states of RFC 4235 §3.7.1, in the only order a leg may move through them. */
public enum LegState {
    TRYING, PROCEEDING, EARLY, CONFIRMED, TERMINATED;

    /** True when {@code other} lies strictly after this state. */
    public boolean isBefore(LegState other) {
        return ordinal() < other.ordinal();
    }
}
