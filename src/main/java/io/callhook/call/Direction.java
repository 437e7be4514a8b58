package io.callhook.call;

/** Whose side of the call a leg is: the local user receives (INCOMING) or places (OUTGOING) it. */
public enum Direction { INCOMING, OUTGOING }
