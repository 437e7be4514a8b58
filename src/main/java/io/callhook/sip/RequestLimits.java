package io.callhook.sip;

import io.callhook.config.CallhookConfig;

import javax.sip.RequestEvent;
import javax.sip.SipProvider;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The first look at every request, before access control and routing: is there room for it?
 *
 * <ul>
 *   <li>In-dialog requests (a To tag), ACK and CANCEL always pass: they end or complete calls that
 *       already hold resources. An ACK for one of our own 503s is absorbed here.</li>
 *   <li>An initial request from outside {@code trusted_peers} spends a token of its source's
 *       bucket ({@link SourceRateLimit}); over the rate it is answered 503 once per Retry-After,
 *       otherwise dropped.</li>
 *   <li>A new INVITE gets 503 while the live legs or the stack's transactions are at their maximum,
 *       or when it waited longer than {@code max_queue_delay} for a SIP thread (overload: the
 *       proxy keeps serving the calls it has instead of collapsing under retransmissions).</li>
 * </ul>
 *
 * Refusals are stateless (no server transaction) and cost one small response; every cause is
 * logged once per interval ({@link IntervalLog}).
 *
 * <p>Threading: SIP threads; nothing blocks.
 */
final class RequestLimits {

    /** To tags of our 503s start with this, so their ACKs are recognised and absorbed. */
    static final String REFUSAL_TAG = "chl503";

    private final CallhookConfig.Limits limits;
    private final SourceRateLimit perSource; // null: off
    private final Predicate<InetAddress> trusted;
    private final IntSupplier liveLegs;
    private final IntSupplier liveTransactions;
    private final LongSupplier queueWaitMillis;
    private final IntervalLog log;
    private final Forwarder forwarder;

    RequestLimits(CallhookConfig.Limits limits, SourceRateLimit perSource, Predicate<InetAddress> trusted,
                  IntSupplier liveLegs, IntSupplier liveTransactions, LongSupplier queueWaitMillis, IntervalLog log,
                  Forwarder forwarder) {
        this.limits = limits;
        this.perSource = perSource;
        this.trusted = trusted;
        this.liveLegs = liveLegs;
        this.liveTransactions = liveTransactions;
        this.queueWaitMillis = queueWaitMillis;
        this.log = log;
        this.forwarder = forwarder;
    }

    /** True when the request may go on; false when it was answered 503 or dropped. */
    boolean admit(SipProvider provider, RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        String toTag = SipText.toTag(request);
        if (Request.ACK.equals(method)) {
            return toTag == null || !toTag.startsWith(REFUSAL_TAG);
        }
        if (toTag != null || Request.CANCEL.equals(method)) {
            return true;
        }
        if (perSource != null) {
            InetAddress source = Admission.sourceOf(request);
            if (source != null && !trusted.test(source)) {
                switch (perSource.check(source)) {
                    case PASS -> { }
                    case REFUSE -> {
                        log.hit("per_source_rate", "{} sent more than {} initial requests/s (burst {}): answered 503 "
                                        + "once per {}s, the rest dropped", source.getHostAddress(),
                                limits.perSourceRate(), limits.perSourceBurst(), limits.retryAfter().toSeconds());
                        refuse(provider, request);
                        return false;
                    }
                    case DROP -> {
                        log.hit("per_source_rate", "{} over its rate: dropped", source.getHostAddress());
                        return false;
                    }
                }
            }
        }
        if (!Request.INVITE.equals(method)) {
            return true;
        }
        int legs = liveLegs.getAsInt();
        if (legs >= limits.maxLiveLegs()) {
            log.hit("max_live_legs", "{} live legs (max_live_legs {}): new INVITEs get 503", legs, limits.maxLiveLegs());
            refuse(provider, request);
            return false;
        }
        int transactions = liveTransactions.getAsInt();
        if (transactions >= limits.maxTransactions()) {
            log.hit("max_transactions", "{} SIP transactions (max_transactions {}): new INVITEs get 503",
                    transactions, limits.maxTransactions());
            refuse(provider, request);
            return false;
        }
        long waited = queueWaitMillis.getAsLong();
        if (waited > limits.maxQueueDelay().toMillis()) {
            log.hit("max_queue_delay", "an INVITE waited {} ms for a SIP thread (max_queue_delay {} ms): overloaded, "
                    + "new INVITEs get 503", waited, limits.maxQueueDelay().toMillis());
            refuse(provider, request);
            return false;
        }
        return true;
    }

    /** 503 with Retry-After, statelessly: nothing is kept for a refused request. */
    private void refuse(SipProvider provider, Request request) {
        boolean sent;
        try {
            // "Service Unavailable": RFC 3261's spelling (the RI writes "unavailable")
            sent = forwarder.respondStatelessly(provider, request, Response.SERVICE_UNAVAILABLE, "Service Unavailable",
                    REFUSAL_TAG, List.of(forwarder.headers.createRetryAfterHeader(
                            (int) Math.max(1, limits.retryAfter().toSeconds()))));
        } catch (javax.sip.InvalidArgumentException e) {
            sent = false;
        }
        if (!sent) {
            log.hit("refusal_not_sent", "could not send a 503 for {}", request.getMethod());
        }
    }

    long refused(String cause) {
        return log.total(cause);
    }
}
