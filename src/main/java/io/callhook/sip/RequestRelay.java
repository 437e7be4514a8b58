package io.callhook.sip;

import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.message.Response;

/**
 * A non-INVITE or in-dialog request forwarded statefully on one branch (BYE, re-INVITE, OPTIONS,
 * INFO, UPDATE, PRACK …): relays every response but 100 back on the server transaction.
 */
final class RequestRelay {
    private final Forwarder forwarder;
    private final SipProvider provider;
    private final ServerTransaction serverTransaction;
    private boolean finalSent;

    RequestRelay(Forwarder forwarder, SipProvider provider, ServerTransaction st) {
        this.forwarder = forwarder;
        this.provider = provider;
        this.serverTransaction = st;
    }

    synchronized void onResponse(Response response) {
        int status = response.getStatusCode();
        if (status == 100) {
            return;
        }
        if (status >= 200 && finalSent) {
            if (status < 300) {
                forwarder.relayStateless(provider, response); // re-INVITE 2xx retransmission
            }
            return;
        }
        finalSent |= status >= 200;
        forwarder.relayUp(provider, serverTransaction, response);
    }

    synchronized void onTimeout() {
        if (!finalSent) {
            finalSent = true;
            forwarder.respond(provider, serverTransaction, serverTransaction.getRequest(), 408);
        }
    }
}
