package io.callhook.sip;

import io.callhook.call.LegKey;
import io.callhook.call.Signal;
import io.callhook.call.TerminationReason;
import io.callhook.tracker.CallTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.header.Header;
import javax.sip.header.ReasonHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One initial INVITE on its way through the proxy: the server transaction it came on and the
 * branches it was forked to (RFC 3261 §16). Relays provisional and 2xx responses at once, keeps
 * non-2xx finals until every branch is final and sends the best (§16.7), CANCELs the other branches
 * when one answers, and tells the tracker what each leg went through.
 *
 * <p>Threading: called on SIP stack threads (and the no-answer timer); every method holds this
 * object's monitor, so responses of one INVITE are handled one at a time. Nothing blocks: sends are
 * asynchronous in the stack and the tracker only enqueues.
 */
final class InviteForward {

    private static final Logger LOG = LoggerFactory.getLogger(InviteForward.class);

    private final Forwarder forwarder;
    private final CallTracker tracker;
    private final SipProvider provider;
    private final ServerTransaction serverTransaction;
    final String callId;
    /** The OUTGOING leg when a local user's device sent this INVITE, else null. */
    private final LegKey outgoingLeg;
    private final List<Branch> branches = new ArrayList<>();
    private Response bestFinal;
    private boolean finalSent;
    private ScheduledFuture<?> noAnswerTimer;
    private final ScheduledExecutorService timers;
    private final Duration timerC;
    private final Clock clock;

    InviteForward(Forwarder forwarder, CallTracker tracker, SipProvider provider, ServerTransaction st,
                  String callId, LegKey outgoingLeg, ScheduledExecutorService timers, Duration timerC, Clock clock) {
        this.timers = timers;
        this.timerC = timerC;
        this.clock = clock;
        this.forwarder = forwarder;
        this.tracker = tracker;
        this.provider = provider;
        this.serverTransaction = st;
        this.callId = callId;
        this.outgoingLeg = outgoingLeg;
    }

    synchronized Branch newBranch(String branchId, LegKey leg) {
        Branch b = new Branch(this, branchId, leg);
        branches.add(b);
        return b;
    }

    synchronized void sent(Branch branch, ClientTransaction ct) {
        branch.transaction = ct;
        restartTimerC(branch);
    }

    private void restartTimerC(Branch branch) {
        if (branch.timerC != null) {
            branch.timerC.cancel(false);
        }
        branch.timerC = timers.schedule(() -> onTimerC(branch), timerC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Timer C fired (RFC 3261 §16.6 step 11): the branch sent no final response in time. A branch
     * that sent a provisional is CANCELled; either way it counts as a 408 and its leg ends REJECTED.
     */
    synchronized void onTimerC(Branch branch) {
        if (branch.finalReceived) {
            return;
        }
        LOG.info("call_id={} branch_id={} Timer C fired: no final response within {} s", callId, branch.branchId,
                timerC.toSeconds());
        if (branch.provisionalSeen) {
            sendCancel(branch, new Header[0]);
        }
        onTimeout(branch, clock.instant());
    }

    synchronized void setNoAnswerTimer(ScheduledFuture<?> timer) {
        this.noAnswerTimer = timer;
    }

    /** Nothing to fork to: answer the caller ourselves. */
    synchronized void sendFailedWithoutBranches(int status, Instant at) {
        finalSent = true;
        forwarder.respond(provider, serverTransaction, serverTransaction.getRequest(), status);
        if (outgoingLeg != null) {
            tracker.onSignal(new Signal.Failed(outgoingLeg, status, at));
        }
    }

    /** A branch could not be sent at all: it counts as answered 503 (RFC 3261 §16.7 step 3 spirit). */
    synchronized void sendFailed(Branch branch, Instant at) {
        markFinal(branch);
        signalLeg(branch, new Signal.Failed(branch.leg, 503, at));
        considerFinal(null, 503, at);
    }

    synchronized void onResponse(Branch branch, Response response, Instant at) {
        int status = response.getStatusCode();
        if (status < 200) {
            onProvisional(branch, response, status, at);
        } else if (status < 300) {
            onSuccess(branch, response, status, at);
        } else {
            onFailure(branch, response, status, at);
        }
    }

    private void onProvisional(Branch branch, Response response, int status, Instant at) {
        if (branch.finalReceived) {
            return; // reordered by the stack's thread pool: the branch is already final
        }
        branch.provisionalSeen = true;
        restartTimerC(branch);
        if (branch.pendingCancelReasons != null) {
            sendCancel(branch, branch.pendingCancelReasons);
        }
        if (status == 100) {
            return; // hop-by-hop: we sent our own
        }
        String toTag = SipText.toTag(response);
        signalLeg(branch, new Signal.Provisional(branch.leg, status, toTag, at));
        if (!finalSent) {
            forwarder.relayUp(provider, serverTransaction, response);
            if (outgoingLeg != null) {
                tracker.onSignal(new Signal.Provisional(outgoingLeg, status, toTag, at));
            }
        }
    }

    private void onSuccess(Branch branch, Response response, int status, Instant at) {
        boolean first = !branch.finalReceived;
        markFinal(branch);
        String toTag = SipText.toTag(response);
        signalLeg(branch, new Signal.Answered(branch.leg, status, toTag, at));
        if (finalSent) {
            // a retransmission, or another branch answering too: the caller must see every 2xx
            forwarder.relayStateless(provider, response);
            return;
        }
        finalSent = true;
        cancelTimer();
        if (outgoingLeg != null) {
            // before the relay: the caller may ACK and BYE at once, and a BYE finds only CONFIRMED legs
            tracker.onSignal(new Signal.Answered(outgoingLeg, status, toTag, at));
        }
        forwarder.relayUp(provider, serverTransaction, response);
        if (first) {
            cancelOthers(branch, new Header[] {completedElsewhere()}, TerminationReason.ANSWERED_ELSEWHERE, at);
        }
    }

    private void onFailure(Branch branch, Response response, int status, Instant at) {
        if (branch.finalReceived) {
            return;
        }
        markFinal(branch);
        signalLeg(branch, new Signal.Failed(branch.leg, status, at));
        considerFinal(response, status, at);
    }

    /** Timer B (or the RI's lifetime backstop) fired on a branch: it counts as a 408. */
    synchronized void onTimeout(Branch branch, Instant at) {
        if (branch.finalReceived) {
            return;
        }
        markFinal(branch);
        signalLeg(branch, new Signal.TimedOut(branch.leg));
        considerFinal(null, 408, at);
    }

    /** A CANCEL for this INVITE came from upstream: cancel every branch still pending. */
    synchronized void onCancel(Request cancel, Instant at) {
        List<Header> reasons = new ArrayList<>();
        cancel.getHeaders(ReasonHeader.NAME).forEachRemaining(h -> reasons.add((Header) h));
        TerminationReason why = CancelReasons.meaning(reasons);
        if (outgoingLeg != null) {
            tracker.onSignal(new Signal.Cancelling(outgoingLeg, TerminationReason.CANCELLED, at));
        }
        cancelOthers(null, reasons.toArray(Header[]::new), why, at);
    }

    /** {@code sip.no_answer_timeout} expired: cancel the branches and answer the caller 480. */
    synchronized void onNoAnswer(Instant at) {
        if (finalSent) {
            return;
        }
        LOG.info("call_id={} no answer within no_answer_timeout: cancelling {} branch(es)", callId, branches.size());
        cancelOthers(null, new Header[0], TerminationReason.CANCELLED, at);
        finalSent = true;
        forwarder.respond(provider, serverTransaction, serverTransaction.getRequest(), 480);
        if (outgoingLeg != null) {
            tracker.onSignal(new Signal.Failed(outgoingLeg, 480, at));
        }
    }

    private void cancelOthers(Branch winner, Header[] reasons, TerminationReason why, Instant at) {
        for (Branch b : branches) {
            if (b == winner || b.finalReceived || b.cancelSent || b.pendingCancelReasons != null) {
                continue;
            }
            signalLeg(b, new Signal.Cancelling(b.leg, why, at));
            if (b.provisionalSeen && b.transaction != null) {
                sendCancel(b, reasons);
            } else {
                b.pendingCancelReasons = reasons;
            }
        }
    }

    private void sendCancel(Branch b, Header[] reasons) {
        b.pendingCancelReasons = null;
        if (b.cancelSent || b.finalReceived) {
            return;
        }
        b.cancelSent = true;
        try {
            Request cancel = b.transaction.createCancel();
            for (Header reason : reasons) {
                cancel.addHeader((Header) reason.clone());
            }
            forwarder.send(provider, cancel, CancelMarker.INSTANCE);
        } catch (Exception e) {
            LOG.info("call_id={} branch_id={} could not send CANCEL: {}", callId, b.branchId, e.toString());
        }
    }

    /** Keeps the best final so far; once every branch is final, sends it (RFC 3261 §16.7 step 6). */
    private void considerFinal(Response response, int status, Instant at) {
        if (response != null && (bestFinal == null || FinalResponses.better(status, bestFinal.getStatusCode()))) {
            bestFinal = response;
        }
        for (Branch b : branches) {
            if (!b.finalReceived) {
                return;
            }
        }
        if (finalSent) {
            return;
        }
        finalSent = true;
        cancelTimer();
        int sent;
        if (bestFinal != null) {
            forwarder.relayUp(provider, serverTransaction, bestFinal);
            sent = bestFinal.getStatusCode();
        } else {
            sent = status == 408 ? 408 : 503;
            forwarder.respond(provider, serverTransaction, serverTransaction.getRequest(), sent);
        }
        if (outgoingLeg != null) {
            tracker.onSignal(new Signal.Failed(outgoingLeg, sent, at));
        }
    }

    private static void markFinal(Branch branch) {
        branch.finalReceived = true;
        if (branch.timerC != null) {
            branch.timerC.cancel(false);
        }
    }

    private void signalLeg(Branch branch, Signal signal) {
        if (branch.leg != null) {
            tracker.onSignal(signal);
        }
    }

    private void cancelTimer() {
        if (noAnswerTimer != null) {
            noAnswerTimer.cancel(false);
        }
    }

    private ReasonHeader completedElsewhere() {
        try {
            return forwarder.headers.createReasonHeader("SIP", 200, "Call completed elsewhere");
        } catch (Exception e) {
            throw new IllegalStateException("constant Reason header", e);
        }
    }
}
