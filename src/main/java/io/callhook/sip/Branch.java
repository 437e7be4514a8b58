package io.callhook.sip;

import io.callhook.call.LegKey;

import javax.sip.ClientTransaction;

/**
 * One downstream branch of a forwarded INVITE. Guarded by its {@link InviteForward}'s monitor.
 *
 * @see InviteForward
 */
final class Branch {
    final InviteForward owner;
    final String branchId;
    /** The INCOMING leg this branch is, or null when it does not reach a local user's device. */
    final LegKey leg;
    ClientTransaction transaction;
    boolean provisionalSeen;
    boolean finalReceived;
    /** A CANCEL is owed as soon as the branch sends a 1xx (RFC 3261 §9.1 forbids sending it before). */
    javax.sip.header.Header[] pendingCancelReasons;
    boolean cancelSent;
    /** RFC 3261 §16.6 Timer C: restarted by every provisional, cancelled by the final response. */
    java.util.concurrent.ScheduledFuture<?> timerC;

    Branch(InviteForward owner, String branchId, LegKey leg) {
        this.owner = owner;
        this.branchId = branchId;
        this.leg = leg;
    }
}
