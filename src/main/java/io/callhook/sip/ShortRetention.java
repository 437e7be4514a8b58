package io.callhook.sip;

import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.TransactionState;
import javax.sip.message.Request;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps completed non-INVITE transactions (BYE, CANCEL, OPTIONS …) about 5 s instead of up to the
 * RI's 32 s.
 *
 * <p>Why: the live set of transactions is what limits an RI-based proxy under load. Over UDP,
 * RFC 3261 Timer J (64·T1 = 32 s) keeps every BYE and CANCEL server transaction to absorb request
 * retransmissions; at 1,000 calls/s that is ~64,000 live transactions of ~10 KB each, the garbage
 * collector then takes a third of the CPU, and every stray response pays an O(n) scan of the
 * client table (BENCHMARKS.md). Timer J only needs to outlive the client's retransmissions of the
 * request, which stop when our final response arrives; ~5 s is what Kamailio keeps ({@code wt_timer}).
 *
 * <p>Server side: the RI schedules Timer J as 64 ticks of the transaction's base interval (T1),
 * which a non-INVITE server transaction uses for nothing else; T1 = {@value #SERVER_T1_MS} ms on it,
 * set before it answers, makes Timer J 64 × 78 ms ≈ 5 s. INVITE transactions keep RFC timers
 * (their T1 paces retransmissions of our responses).
 *
 * <p>Client side: Timer K (T4 = 5 s) is right, but the RI only schedules it when the transaction's
 * own timer has started, and on loopback the final response often arrives before
 * {@code sendRequest} has started it; such a transaction then waits for Timer F (32 s). So once a
 * non-INVITE client transaction has its final response, we end it ourselves a little after Timer K.
 */
final class ShortRetention {

    static final int SERVER_T1_MS = 78;
    /** Timer K (T4, 5 s) plus a margin: the RI's own Timer K wins whenever it was scheduled. */
    static final long CLIENT_END_AFTER_MS = 6_000;

    private final ScheduledExecutorService timers;

    ShortRetention(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /** Applies to a fresh non-INVITE server transaction; a no-op for INVITE or once its timer runs. */
    static void shortenServer(ServerTransaction st, Request request) {
        if (st == null || Request.INVITE.equals(request.getMethod())) {
            return;
        }
        try {
            st.setRetransmitTimer(SERVER_T1_MS);
        } catch (IllegalStateException alreadyTicking) {
            // the RI started the transaction's timer already: it keeps the RFC default
        }
    }

    /** Ends a non-INVITE client transaction that got its final response, should the RI not. */
    void endClientAfterFinal(ClientTransaction ct) {
        if (ct == null || Request.INVITE.equals(ct.getRequest().getMethod())) {
            return; // INVITE: a 2xx ends it at once; after a non-2xx the RI runs Timer D itself
        }
        timers.schedule(() -> {
            try {
                if (ct.getState() == TransactionState.COMPLETED) {
                    ct.terminate();
                }
            } catch (Throwable ignored) {
                // already gone: nothing to end
            }
        }, CLIENT_END_AFTER_MS, TimeUnit.MILLISECONDS);
    }
}
