package io.callhook.sip;

import gov.nist.javax.sip.SipProviderImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.SipStack;
import javax.sip.message.Response;

/**
 * Hands a response that belongs to no client transaction straight to the listener, as the RI
 * would, minus the RI's walk over its whole client transaction table first.
 *
 * <p>When the RI finds no client transaction under a response's branch it compares the response
 * with every client transaction it holds, a search meant for RFC 2543 peers whose branches are
 * not unique. For a {@code z9hG4bK} branch the lookup by branch is already conclusive (RFC 3261
 * §17.1.3), so the walk finds nothing and costs O(live transactions) per response. Under load it
 * is paid for every 2xx retransmission (the INVITE client transaction ended with the first 2xx),
 * and those multiply as soon as queueing delays the ACK: the profile of an overloaded proxy had
 * 70 % of its samples in that walk (sipp-scenarios/bench/NOTES.md).
 *
 * <p>Installed as one of the RI's message valves, which run on the receiving thread before any
 * transaction lookup; responses with an RFC 2543 branch, and every request, pass through untouched.
 */
final class StrayResponses implements SIPMessageValve {

    private static final String RFC3261_BRANCH = "z9hg4bk"; // getTransactionId() is lower-cased

    private final SIPTransactionStack stack;
    private final SipListener listener;

    StrayResponses(SIPTransactionStack stack, SipListener listener) {
        this.stack = stack;
        this.listener = listener;
    }

    @Override
    public boolean processResponse(Response message, MessageChannel channel) {
        SIPResponse response = (SIPResponse) message;
        String key = response.getTransactionId();
        if (!key.startsWith(RFC3261_BRANCH) || stack.findTransaction(key, false) != null) {
            return true; // the RI's own path: a live transaction, or an old-style branch to search for
        }
        SipProviderImpl provider = channel.getMessageProcessor().getListeningPoint().getProvider();
        listener.processResponse(new ResponseEvent(provider, null, null, response));
        return false; // handled: the RI drops it
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        return true;
    }

    @Override
    public void init(SipStack stack) {
        // constructed by SipServer, not by the stack from a class name
    }

    @Override
    public void destroy() {
        // nothing held
    }
}
