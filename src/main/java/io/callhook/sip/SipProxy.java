package io.callhook.sip;

import io.callhook.call.Direction;
import io.callhook.call.LegInfo;
import io.callhook.call.LegKey;
import io.callhook.call.Party;
import io.callhook.call.Signal;
import io.callhook.directory.DeviceOwner;
import io.callhook.tracker.CallTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's SIP listener: a transaction-stateful, record-routing, forking proxy (RFC 3261 §16)
 * that turns what it forwards into leg {@link Signal}s for the tracker.
 *
 * <p>Threading: the RI calls this on its pool threads, concurrently ({@code REENTRANT_LISTENER}).
 * No method blocks: directory lookups hit memory, the tracker only enqueues, and the stack sends
 * asynchronously. Every callback catches {@link Throwable}: the RI's UDP workers die on any
 * uncaught {@code Error}, silently taking a thread away for good.
 */
final class SipProxy implements SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(SipProxy.class);
    /** Bad input repeats per packet: each kind is logged once with its stack trace (issue 7). */
    private static final RepeatedErrors ONCE = new RepeatedErrors(LOG);

    private final Forwarder forwarder;
    private final CallRouter router;
    private final CallTracker tracker;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Duration noAnswerTimeout;
    private final Duration timerC;
    private final RecentBranches recentInvites;
    private final ShortRetention retention;
    /** Access control and the registrar (issue 4); set once by {@link #guardWith} before the stack starts. */
    private volatile Admission admission;
    private volatile RegisterResponder registrar;

    SipProxy(Forwarder forwarder, CallRouter router, CallTracker tracker, Clock clock,
             ScheduledExecutorService timers, Duration noAnswerTimeout, Duration timerC) {
        this.timerC = timerC;
        this.forwarder = forwarder;
        this.router = router;
        this.tracker = tracker;
        this.clock = clock;
        this.timers = timers;
        this.noAnswerTimeout = noAnswerTimeout;
        this.recentInvites = new RecentBranches(clock, Duration.ofSeconds(40));
        this.retention = new ShortRetention(timers);
    }

    SipCounters counters() {
        return forwarder.counters;
    }

    RecentBranches recentInvites() {
        return recentInvites;
    }

    /** Puts {@code admission} in front of every request and answers REGISTER with {@code registrar}. */
    void guardWith(Admission admission, RegisterResponder registrar) {
        this.admission = admission;
        this.registrar = registrar;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Instant at = clock.instant();
        forwarder.counters.requestsIn.increment();
        Request request = event.getRequest();
        try {
            SipProvider provider = (SipProvider) event.getSource();
            Verdict verdict = MessageChecks.request(request);
            if (!verdict.ok()) {
                refuse(provider, request, verdict);
                return; // junk gets no server transaction, only a stateless answer (an ACK not even that)
            }
            if (request.getHeader(MaxForwardsHeader.NAME) == null && !Request.ACK.equals(request.getMethod())) {
                // RFC 2543 peers send none; the RI's server transaction needs one (RFC 3261 §16.6 step 3: add 70)
                request.setHeader(forwarder.headers.createMaxForwardsHeader(70));
            }
            if (admission != null && !admission.admit(provider, event)) {
                return; // refused: no open relay (trusted peers, digest, dialog tokens; see Admission)
            }
            switch (request.getMethod()) {
                case Request.REGISTER -> {
                    if (registrar != null) {
                        registrar.register(provider, event); // never forwarded
                    } else {
                        forwarder.respond(provider, null, request, 405);
                    }
                }
                case Request.ACK -> forwardAck(provider, event);
                case Request.CANCEL -> cancel(provider, event, at);
                default -> {
                    if (!maxForwardsLeft(provider, request)) {
                        return;
                    }
                    if (Request.INVITE.equals(request.getMethod()) && SipText.toTag(request) == null) {
                        invite(provider, event, at);
                    } else {
                        relay(provider, event, at);
                    }
                }
            }
        } catch (Throwable t) {
            ONCE.error("request " + request.getMethod() + " " + t.getClass().getName(),
                    "call_id={} failed to handle {}: {}", SipText.callId(request), request.getMethod(), t.toString(), t);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Instant at = clock.instant();
        forwarder.counters.responsesIn.increment();
        Response response = event.getResponse();
        try {
            Verdict verdict = MessageChecks.response(response);
            if (!verdict.ok()) {
                ONCE.info("invalid response " + verdict.problem(), "call_id={} dropped a {} response from {}: {}",
                        SipText.callId(response), response.getStatusCode(), source(response), verdict.reasonPhrase());
                return;
            }
            SipProvider provider = (SipProvider) event.getSource();
            ClientTransaction ct = event.getClientTransaction();
            Object owner = ct == null ? null : ct.getApplicationData();
            if (owner instanceof Branch branch) {
                branch.owner.onResponse(branch, response, at);
            } else if (owner instanceof RequestRelay relay) {
                relay.onResponse(response);
                if (response.getStatusCode() >= 200) {
                    retention.endClientAfterFinal(ct);
                }
            } else if (ct != null) {
                if (response.getStatusCode() >= 200) {
                    retention.endClientAfterFinal(ct); // the answer to a CANCEL we sent
                }
            } else if (response.getStatusCode() / 100 == 2) {
                forwarder.relayStateless(provider, response); // 2xx retransmission after the transaction ended
            }
        } catch (Throwable t) {
            ONCE.error("response " + t.getClass().getName(), "call_id={} failed to handle response {}: {}", SipText.callId(response),
                    response.getStatusCode(), t.toString(), t);
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        try {
            if (event.isServerTransaction()) {
                return;
            }
            Object owner = event.getClientTransaction().getApplicationData();
            if (owner instanceof Branch branch) {
                branch.owner.onTimeout(branch, clock.instant());
            } else if (owner instanceof RequestRelay relay) {
                relay.onTimeout();
            }
        } catch (Throwable t) {
            ONCE.error("timeout " + t.getClass().getName(), "failed to handle a transaction timeout: {}", t.toString(), t);
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        ONCE.info("io " + event.getHost() + ":" + event.getPort() + "/" + event.getTransport(),
                "I/O error talking to {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // nothing to release: per-INVITE state hangs off the transactions and goes with them
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // the proxy runs without dialogs (AUTOMATIC_DIALOG_SUPPORT=off)
    }

    /**
     * Answers an invalid request statelessly with the verdict's status (a 420 lists what is
     * unsupported); an ACK is only dropped. Logged once per kind of problem.
     */
    private void refuse(SipProvider provider, Request request, Verdict verdict) {
        boolean ack = Request.ACK.equals(request.getMethod());
        ONCE.info("invalid request " + verdict.problem(), "call_id={} {} from {} {}: {} {}", SipText.callId(request),
                request.getMethod(), source(request), ack ? "dropped" : "answered", verdict.status(),
                verdict.reasonPhrase());
        if (!ack) {
            List<String> unsupported = verdict.problem() == MessageProblem.PROXY_REQUIRE
                    ? MessageChecks.proxyRequired(request) : List.of();
            forwarder.respondStatelessly(provider, request, verdict.status(), verdict.reasonPhrase(), unsupported);
        }
    }

    private static String source(javax.sip.message.Message message) {
        return message instanceof gov.nist.javax.sip.message.SIPMessage m && m.getRemoteAddress() != null
                ? m.getRemoteAddress().getHostAddress() + ":" + m.getRemotePort() : "unknown";
    }

    /** Max-Forwards 0 gets 483 (the RI never answers it itself). */
    private boolean maxForwardsLeft(SipProvider provider, Request request) {
        MaxForwardsHeader mf = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
        if (mf != null && mf.getMaxForwards() <= 0) {
            forwarder.respond(provider, null, request, 483);
            return false;
        }
        return true;
    }

    private void invite(SipProvider provider, RequestEvent event, Instant at) throws Exception {
        Request request = event.getRequest();
        String callId = SipText.callId(request);
        ServerTransaction st = event.getServerTransaction();
        if (st == null) {
            // keyed like RFC 3261 §17.2.3 matching: branch and sent-by (an RFC 2543 INVITE may have no branch)
            if (!recentInvites.firstSighting(callId, SipText.topBranch(request) + ' ' + SipText.topSentBy(request))) {
                return; // an INVITE retransmission arriving after its transaction ended
            }
            try {
                st = provider.getNewServerTransaction(request);
            } catch (TransactionAlreadyExistsException retransmission) {
                return;
            }
        }
        forwarder.respond(provider, st, request, 100);
        forwarder.popOwnRoutes(request);

        Optional<DeviceOwner> caller = router.caller(request);
        RouteDecision decision = Forwarder.hasRoute(request)
                ? new RouteDecision.ToRequestUri() // pre-loaded Route: it says where to go
                : router.routeInvite(request);
        if (decision instanceof RouteDecision.ToRequestUri && !Forwarder.hasRoute(request)
                && forwarder.local.isOurs(request.getRequestURI())) {
            decision = new RouteDecision.Refuse(482, "Loop Detected");
        }

        LegKey outgoing = null;
        if (caller.isPresent()) {
            outgoing = new LegKey(callId, SipText.topBranch(request));
            DeviceOwner owner = caller.get();
            tracker.onSignal(new Signal.Started(outgoing, new LegInfo(owner.user().organizationId(),
                    Direction.OUTGOING, CallRouter.localParty(owner.user(), null), CallRouter.deviceType(owner.device()),
                    router.calleeParty(request, decision)), at));
        }
        InviteForward forward = new InviteForward(forwarder, tracker, provider, st, callId, outgoing, timers,
                timerC, clock);
        st.setApplicationData(forward);

        if (decision instanceof RouteDecision.Refuse refuse) {
            LOG.info("call_id={} INVITE {} refused: {} {}", callId, request.getRequestURI(), refuse.status(), refuse.why());
            forward.sendFailedWithoutBranches(refuse.status(), at);
            return;
        }
        if (decision instanceof RouteDecision.Fork fork) {
            Party callerParty = router.callerParty(request, caller);
            for (RouteDecision.Target target : fork.targets()) {
                String branchId = Branches.fresh();
                LegKey leg = new LegKey(callId, branchId);
                Branch branch = forward.newBranch(branchId, leg);
                tracker.onSignal(new Signal.Started(leg, new LegInfo(target.user().organizationId(),
                        Direction.INCOMING, CallRouter.localParty(target.user(), fork.dialedNumber()),
                        target.device().type(), callerParty), at));
                sendBranch(provider, forward, branch, request, target.contact(), false, at);
            }
            forward.setNoAnswerTimer(timers.schedule(() -> forward.onNoAnswer(clock.instant()),
                    noAnswerTimeout.toMillis(), TimeUnit.MILLISECONDS));
            return;
        }
        boolean upstream = decision instanceof RouteDecision.ToUpstream;
        Branch branch = forward.newBranch(Branches.fresh(), null);
        sendBranch(provider, forward, branch, request, null, upstream, at);
    }

    private void sendBranch(SipProvider provider, InviteForward forward, Branch branch, Request request,
                            String contact, boolean upstream, Instant at) {
        try {
            Request out = forwarder.prepare(request, contact, upstream, true, branch.branchId, provider);
            ClientTransaction ct = provider.getNewClientTransaction(out);
            ct.setApplicationData(branch);
            forward.sent(branch, ct);
            ct.sendRequest();
            forwarder.counters.requestsOut.increment();
        } catch (Exception e) {
            LOG.info("call_id={} branch_id={} could not forward INVITE to {}: {}", forward.callId, branch.branchId,
                    contact != null ? contact : upstream ? "upstream" : request.getRequestURI(), e.toString());
            forward.sendFailed(branch, at);
        }
    }

    private void cancel(SipProvider provider, RequestEvent event, Instant at) {
        Request cancel = event.getRequest();
        ServerTransaction st = event.getServerTransaction();
        if (st == null) {
            forwarder.respond(provider, null, cancel, 481); // matches no INVITE we know
            return;
        }
        ShortRetention.shortenServer(st, cancel);
        forwarder.respond(provider, st, cancel, 200);
        ServerTransaction invite = ((gov.nist.javax.sip.ServerTransactionExt) st).getCanceledInviteTransaction();
        if (invite != null && invite.getApplicationData() instanceof InviteForward forward) {
            forward.onCancel(cancel, at);
        }
    }

    /** An ACK for a 2xx is its own transaction: forward it statelessly along the Route set. */
    private void forwardAck(SipProvider provider, RequestEvent event) throws Exception {
        if (event.getServerTransaction() != null) {
            return; // the ACK of a non-2xx final: absorbed hop by hop
        }
        Request ack = (Request) event.getRequest().clone();
        forwarder.popOwnRoutes(ack);
        if (!Forwarder.hasRoute(ack) && forwarder.local.isOurs(ack.getRequestURI())) {
            LOG.debug("call_id={} dropping ACK addressed to the proxy itself", SipText.callId(ack));
            return;
        }
        MaxForwardsHeader mf = (MaxForwardsHeader) ack.getHeader(MaxForwardsHeader.NAME);
        if (mf != null) {
            if (mf.getMaxForwards() <= 0) {
                return;
            }
            mf.decrementMaxForwards();
        }
        String transport = Forwarder.transportOf(ack);
        javax.sip.ListeningPoint lp = provider.getListeningPoint(transport);
        if (lp == null) {
            return;
        }
        ViaHeader via = forwarder.headers.createViaHeader(lp.getIPAddress(), lp.getPort(), transport,
                Branches.derived(SipText.topBranch(ack)));
        ack.addFirst(via);
        provider.sendRequest(ack);
        forwarder.counters.requestsOut.increment();
    }

    /** Any request but an initial INVITE: forwarded statefully along its Route, or onward. */
    private void relay(SipProvider provider, RequestEvent event, Instant at) throws Exception {
        Request request = event.getRequest();
        ServerTransaction st = event.getServerTransaction();
        if (st == null) {
            try {
                st = provider.getNewServerTransaction(request);
            } catch (TransactionAlreadyExistsException retransmission) {
                return;
            }
        }
        ShortRetention.shortenServer(st, request);
        forwarder.popOwnRoutes(request);
        boolean inDialog = SipText.toTag(request) != null;
        boolean upstream = false;
        if (!Forwarder.hasRoute(request)) {
            RouteDecision onward = inDialog && forwarder.local.isOurs(request.getRequestURI())
                    ? new RouteDecision.Refuse(481, "Call/Transaction Does Not Exist") // would loop to us
                    : router.onward(request.getRequestURI());
            if (onward instanceof RouteDecision.Refuse refuse) {
                forwarder.respond(provider, st, request, refuse.status());
                return;
            }
            upstream = onward instanceof RouteDecision.ToUpstream;
        }
        if (Request.BYE.equals(request.getMethod())) {
            tracker.onBye(SipText.callId(request), SipText.fromTag(request), SipText.toTag(request), at);
        }
        boolean createsDialog = !inDialog && Request.SUBSCRIBE.equals(request.getMethod());
        RequestRelay relay = new RequestRelay(forwarder, provider, st);
        try {
            Request out = forwarder.prepare(request, null, upstream, createsDialog, Branches.fresh(), provider);
            forwarder.send(provider, out, relay);
        } catch (Exception e) {
            LOG.info("call_id={} could not forward {}: {}", SipText.callId(request), request.getMethod(), e.toString());
            forwarder.respond(provider, st, request, 503);
        }
    }
}
