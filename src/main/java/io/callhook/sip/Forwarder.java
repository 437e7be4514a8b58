package io.callhook.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.ListeningPoint;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TransactionState;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.text.ParseException;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;

/**
 * The mechanics of proxying one hop (RFC 3261 §16.6): copy the request, aim it, count down
 * Max-Forwards, add Record-Route and our Via, send it; and relay responses back upstream.
 * Knows nothing of calls or legs.
 */
final class Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    final HeaderFactory headers;
    final MessageFactory messages;
    final AddressFactory addresses;
    final LocalAddresses local;
    private final SipURI upstream;
    private final DialogTokens dialogTokens;
    final SipCounters counters = new SipCounters();

    Forwarder(HeaderFactory headers, MessageFactory messages, AddressFactory addresses, LocalAddresses local,
              SipURI upstream) {
        this(headers, messages, addresses, local, upstream, DialogTokens.withRandomKey());
    }

    /** @param dialogTokens signs our Record-Route with the Call-ID (see {@link Admission}) */
    Forwarder(HeaderFactory headers, MessageFactory messages, AddressFactory addresses, LocalAddresses local,
              SipURI upstream, DialogTokens dialogTokens) {
        this.headers = headers;
        this.messages = messages;
        this.addresses = addresses;
        this.local = local;
        this.upstream = upstream;
        this.dialogTokens = dialogTokens;
    }

    boolean hasUpstream() {
        return upstream != null;
    }

    /** Removes the Route entries that name this proxy from the top (loose routing, RFC 3261 §16.4). */
    void popOwnRoutes(Request request) {
        while (true) {
            ListIterator<?> routes = request.getHeaders(RouteHeader.NAME);
            if (!routes.hasNext()) {
                return;
            }
            RouteHeader top = (RouteHeader) routes.next();
            if (!local.isOurs(top.getAddress().getURI())) {
                return;
            }
            request.removeFirst(RouteHeader.NAME);
        }
    }

    static boolean hasRoute(Request request) {
        return request.getHeader(RouteHeader.NAME) != null;
    }

    /**
     * A copy of {@code original} ready to send on a new branch.
     *
     * @param requestUri   the new Request-URI (a device contact), or null to keep it
     * @param viaUpstream  true to send it to {@code sip.upstream} (a Route with {@code lr} is pushed)
     * @param recordRoute  true on dialog-creating requests, so the dialog comes back through us
     */
    Request prepare(Request original, String requestUri, boolean viaUpstream, boolean recordRoute,
                    String branch, SipProvider provider) throws ParseException, SipException {
        Request out = (Request) original.clone();
        if (requestUri != null) {
            out.setRequestURI(addresses.createURI(requestUri));
        }
        if (viaUpstream) {
            SipURI route = (SipURI) upstream.clone();
            route.setLrParam();
            out.addFirst(headers.createRouteHeader(addresses.createAddress(route)));
        }
        MaxForwardsHeader mf = (MaxForwardsHeader) out.getHeader(MaxForwardsHeader.NAME);
        try {
            if (mf == null) {
                out.setHeader(headers.createMaxForwardsHeader(70));
            } else {
                mf.decrementMaxForwards();
            }
        } catch (javax.sip.InvalidArgumentException | javax.sip.header.TooManyHopsException e) {
            throw new SipException("Max-Forwards exhausted", e);
        }
        String transport = transportOf(out);
        ListeningPoint lp = listeningPoint(provider, transport);
        if (recordRoute) {
            SipURI rr = addresses.createSipURI(null, lp.getIPAddress());
            rr.setPort(lp.getPort());
            rr.setLrParam();
            rr.setParameter(DialogTokens.PARAM, dialogTokens.of(SipText.callId(out))); // admits the dialog's later requests
            if (!"udp".equals(transport)) {
                rr.setTransportParam(transport);
            }
            RecordRouteHeader header = headers.createRecordRouteHeader(addresses.createAddress(rr));
            out.addFirst(header);
        }
        try {
            out.addFirst(headers.createViaHeader(lp.getIPAddress(), lp.getPort(), transport, branch));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new SipException("bad Via", e);
        }
        return out;
    }

    ClientTransaction send(SipProvider provider, Request out, Object applicationData) throws SipException {
        ClientTransaction ct = provider.getNewClientTransaction(out);
        ct.setApplicationData(applicationData);
        ct.sendRequest();
        counters.requestsOut.increment();
        return ct;
    }

    /**
     * Sends {@code response} (received from downstream) back up on {@code st}. Its Vias are rebuilt
     * from the request the transaction received, which also drops ours; when the transaction can no
     * longer send (a 2xx after the final response), the copy goes out statelessly.
     */
    void relayUp(SipProvider provider, ServerTransaction st, Response response) {
        Response up = (Response) response.clone();
        up.removeHeader(ViaHeader.NAME);
        ListIterator<?> vias = st.getRequest().getHeaders(ViaHeader.NAME);
        try {
            while (vias.hasNext()) {
                up.addLast((ViaHeader) ((ViaHeader) vias.next()).clone());
            }
            if (canSend(st)) {
                st.sendResponse(up);
                counters.responsesOut.increment();
            } else {
                provider.sendResponse(up);
                counters.responsesOut.increment();
            }
        } catch (Exception e) {
            LOG.info("call_id={} could not relay {} upstream: {}", SipText.callId(response),
                    response.getStatusCode(), e.toString());
        }
    }

    /** Relays a response that matches no transaction (a retransmitted 2xx): drop our Via, send on. */
    void relayStateless(SipProvider provider, Response response) {
        ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
        if (top == null || top.getBranch() == null || !top.getBranch().startsWith(Branches.OURS)) {
            return; // not ours to relay
        }
        Response up = (Response) response.clone();
        up.removeFirst(ViaHeader.NAME);
        if (up.getHeader(ViaHeader.NAME) == null) {
            return;
        }
        try {
            provider.sendResponse(up);
            counters.responsesOut.increment();
        } catch (SipException e) {
            LOG.info("call_id={} could not relay stray {}: {}", SipText.callId(response), response.getStatusCode(),
                    e.toString());
        }
    }

    /** Answers a request ourselves, on its transaction when there is one, else statelessly. */
    void respond(SipProvider provider, ServerTransaction st, Request request, int status) {
        try {
            Response r = messages.createResponse(status, request);
            if (status > 100 && r.getHeader(javax.sip.header.ToHeader.NAME) != null) {
                javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) r.getHeader(javax.sip.header.ToHeader.NAME);
                if (to.getTag() == null) {
                    to.setTag(Branches.fresh().substring(Branches.OURS.length()));
                }
            }
            if (st != null && canSend(st)) {
                st.sendResponse(r);
            } else {
                provider.sendResponse(r);
            }
            counters.responsesOut.increment();
        } catch (Exception e) {
            LOG.info("call_id={} could not answer {} {}: {}", SipText.callId(request), status, request.getMethod(),
                    e.toString());
        }
    }

    /**
     * Answers a request without a transaction (it is junk: nothing of it is kept), with its own
     * reason phrase; {@code unsupported} option tags go in Unsupported headers (a 420).
     */
    void respondStatelessly(SipProvider provider, Request request, int status, String reasonPhrase,
                            List<String> unsupported) {
        List<javax.sip.header.Header> extra = new java.util.ArrayList<>();
        try {
            for (String tag : unsupported) {
                extra.add(headers.createUnsupportedHeader(tag));
            }
        } catch (java.text.ParseException e) {
            LOG.debug("call_id={} unsupported option tag not sendable: {}", SipText.callId(request), e.toString());
        }
        respondStatelessly(provider, request, status, reasonPhrase, "", extra);
    }

    /**
     * Answers a request without a transaction, with its own reason phrase and {@code extra}
     * headers; a To tag we make starts with {@code toTagPrefix} (so a later ACK can be recognised).
     *
     * @return false when the answer could not be built or sent (logged at DEBUG)
     */
    boolean respondStatelessly(SipProvider provider, Request request, int status, String reasonPhrase,
                               String toTagPrefix, List<javax.sip.header.Header> extra) {
        try {
            Response r = messages.createResponse(status, request);
            r.setReasonPhrase(reasonPhrase);
            javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) r.getHeader(javax.sip.header.ToHeader.NAME);
            if (to != null && to.getTag() == null) {
                to.setTag(toTagPrefix + Branches.fresh().substring(Branches.OURS.length()));
            }
            for (javax.sip.header.Header header : extra) {
                r.addHeader(header);
            }
            provider.sendResponse(r);
            counters.responsesOut.increment();
            return true;
        } catch (Exception e) {
            LOG.debug("call_id={} could not answer {} {}: {}", SipText.callId(request), status, request.getMethod(),
                    e.toString());
            return false;
        }
    }

    private static boolean canSend(ServerTransaction st) {
        TransactionState state = st.getState();
        return state == null || state == TransactionState.TRYING || state == TransactionState.PROCEEDING;
    }

    /** The transport of the next hop: the top Route's, else the Request-URI's; UDP by default. */
    static String transportOf(Request request) {
        RouteHeader route = (RouteHeader) request.getHeader(RouteHeader.NAME);
        URI next = route != null ? route.getAddress().getURI() : request.getRequestURI();
        if (next instanceof SipURI sip && sip.getTransportParam() != null) {
            return sip.getTransportParam().toLowerCase(Locale.ROOT);
        }
        return "udp";
    }

    private static ListeningPoint listeningPoint(SipProvider provider, String transport) throws SipException {
        ListeningPoint lp = provider.getListeningPoint(transport);
        if (lp == null) {
            throw new SipException("callhook does not listen on " + transport);
        }
        return lp;
    }

    Address address(URI uri) {
        return addresses.createAddress(uri);
    }
}
