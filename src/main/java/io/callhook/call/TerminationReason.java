package io.callhook.call;

/** Why a leg reached {@link LegState#TERMINATED}; written as {@code termination-reason}. */
public enum TerminationReason {
    /** The caller cancelled before answer, or the proxy's no-answer timeout fired. */
    CANCELLED,
    /** Another leg of the same call answered (or a CANCEL said so with its Reason header). */
    ANSWERED_ELSEWHERE,
    /** BYE from either side of a confirmed leg, or the leg outlived {@code max_call_duration}. */
    HANGUP,
    /** A final non-2xx response, or the INVITE transaction timed out. */
    REJECTED
}
