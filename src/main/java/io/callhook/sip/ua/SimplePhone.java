package io.callhook.sip.ua;

import io.callhook.sip.Slf4jServerLogger;
import io.callhook.sip.Slf4jStackLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import io.callhook.sip.auth.DigestChallenge;
import io.callhook.sip.auth.DigestClient;

import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.Header;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import java.util.ListIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SIP phone on its own JAIN-SIP RI stack (with dialog support), for the {@code demo}
 * command and the end-to-end tests: it places calls through an outbound proxy, answers incoming
 * ones after a ring, and hangs up. Given {@link #withCredentials credentials}, it registers and
 * answers 401/407 digest challenges (MD5 or SHA-256, {@code qop=auth}), reusing the last nonce with
 * a rising nonce count as real phones do. Not part of the proxy.
 */
public final class SimplePhone implements SipListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimplePhone.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    private final String name;
    private final SipStack stack;
    private final SipProvider provider;
    private final ListeningPoint lp;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final AddressFactory addresses;
    private final ScheduledExecutorService timer;
    private final Map<String, PhoneCall> calls = new ConcurrentHashMap<>();
    /** Incoming INVITEs not yet answered, by Call-ID: what a CANCEL ends with 487. */
    private final Map<String, PendingAnswer> ringing = new ConcurrentHashMap<>();
    private final BlockingQueue<PhoneCall> incoming = new LinkedBlockingQueue<>();
    private volatile Duration ringTime = Duration.ofMillis(200);
    private volatile String authUser;
    private volatile String password;
    /** The last challenge answered and how often its nonce was used: sent again unasked (guarded by this). */
    private DigestChallenge lastChallenge;
    private int nonceCount;
    private final String registerCallId = UUID.randomUUID() + "@register";
    private final AtomicLong registerCSeq = new AtomicLong();
    private final Map<Long, CompletableFuture<Response>> registrations = new ConcurrentHashMap<>();
    private final AtomicInteger challengesAnswered = new AtomicInteger();

    private SimplePhone(String name, SipStack stack, SipProvider provider, ListeningPoint lp, SipFactory factory)
            throws Exception {
        this.name = name;
        this.stack = stack;
        this.provider = provider;
        this.lp = lp;
        this.headers = factory.createHeaderFactory();
        this.messages = factory.createMessageFactory();
        this.addresses = factory.createAddressFactory();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phone-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param outboundProxy where every initial request is sent, as {@code host:port}; null to send
     *                      straight to the Request-URI
     */
    public static SimplePhone start(String name, String host, int port, String outboundProxy) throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "phone-" + name + "-" + STACKS.incrementAndGet());
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "2");
        if (outboundProxy != null) {
            p.setProperty("javax.sip.OUTBOUND_PROXY", outboundProxy + "/udp");
        }
        SipStack stack = factory.createSipStack(p);
        ListeningPoint lp = stack.createListeningPoint(host, port, "udp");
        SipProvider provider = stack.createSipProvider(lp);
        SimplePhone phone = new SimplePhone(name, stack, provider, lp, factory);
        provider.addSipListener(phone);
        stack.start();
        return phone;
    }

    /** Digest credentials for challenges (401 on REGISTER, 407 on INVITE). */
    public SimplePhone withCredentials(String authUser, String password) {
        this.authUser = authUser;
        this.password = password;
        return this;
    }

    /**
     * Registers this phone's contact for {@code aor} (through the outbound proxy), answering a 401
     * once, and waits for the final response.
     *
     * @param expires 0 unregisters this contact
     * @return the final response (200 lists the AOR's bindings)
     */
    public Response register(String aor, Duration expires) throws Exception {
        SipURI aorUri = (SipURI) addresses.createURI(aor);
        SipURI registrar = addresses.createSipURI(null, aorUri.getHost());
        Request register = messages.createRequest(registrar, Request.REGISTER,
                headers.createCallIdHeader(registerCallId),
                headers.createCSeqHeader(registerCSeq.incrementAndGet(), Request.REGISTER),
                headers.createFromHeader(addresses.createAddress(aorUri), tag()),
                headers.createToHeader(addresses.createAddress(aorUri), null),
                List.of(headers.createViaHeader(lp.getIPAddress(), lp.getPort(), "udp", null)),
                headers.createMaxForwardsHeader(70));
        register.addHeader(contact());
        register.addHeader(headers.createExpiresHeader((int) expires.toSeconds()));
        synchronized (this) {
            if (lastChallenge != null && authUser != null) {
                register.addHeader(authorization(Request.REGISTER, register.getRequestURI().toString(), false));
            }
        }
        return send(register).get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<Response> send(Request request) throws Exception {
        long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
        CompletableFuture<Response> result = registrations.computeIfAbsent(cseq, k -> new CompletableFuture<>());
        provider.getNewClientTransaction(request).sendRequest();
        return result;
    }

    /** An Authorization (401) or Proxy-Authorization (407) header answering {@link #lastChallenge}. */
    private Header authorization(String method, String uri, boolean proxy) throws Exception {
        String value = DigestClient.authorization(lastChallenge, authUser, password, method, uri,
                UUID.randomUUID().toString().substring(0, 8), ++nonceCount);
        return headers.createHeader(proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME, value);
    }

    /**
     * Answers a 401/407 to {@code challenged} by sending it again with credentials (new branch,
     * CSeq + 1); false when there are no credentials or the challenge is unusable.
     */
    private ClientTransaction retryWithCredentials(Response challenge, Request challenged) throws Exception {
        if (authUser == null) {
            return null;
        }
        boolean proxy = challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
        String headerName = proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME;
        DigestChallenge chosen = null;
        for (ListIterator<?> it = challenge.getHeaders(headerName); it.hasNext() && chosen == null; ) {
            String h = it.next().toString();
            chosen = DigestChallenge.parse(h.substring(h.indexOf(':') + 1).strip()).orElse(null);
        }
        if (chosen == null) {
            return null;
        }
        Request retry = (Request) challenged.clone();
        CSeqHeader cseq = (CSeqHeader) retry.getHeader(CSeqHeader.NAME);
        cseq.setSeqNumber(Request.REGISTER.equals(retry.getMethod()) ? registerCSeq.incrementAndGet()
                : cseq.getSeqNumber() + 1);
        ((ViaHeader) retry.getHeader(ViaHeader.NAME)).removeParameter("branch");
        retry.removeHeader(AuthorizationHeader.NAME);
        retry.removeHeader(ProxyAuthorizationHeader.NAME);
        challengesAnswered.incrementAndGet();
        synchronized (this) {
            lastChallenge = chosen;
            nonceCount = 0;
            retry.addHeader(authorization(retry.getMethod(), retry.getRequestURI().toString(), proxy));
        }
        ClientTransaction ct = provider.getNewClientTransaction(retry);
        ct.sendRequest();
        return ct;
    }

    /** How many 401/407 challenges this phone answered with credentials. */
    public int challengesAnswered() {
        return challengesAnswered.get();
    }

    /** How long an incoming call rings (180) before the phone answers it (200). */
    public SimplePhone ringFor(Duration d) {
        this.ringTime = d;
        return this;
    }

    /** The next incoming call this phone answered (or is answering). */
    public PhoneCall awaitIncoming(Duration timeout) throws InterruptedException {
        return incoming.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends an INVITE from {@code fromUri} to {@code requestUri} (To = the Request-URI). */
    public PhoneCall call(String requestUri, String fromUri) throws Exception {
        SipURI target = (SipURI) addresses.createURI(requestUri);
        CallIdHeader callId = provider.getNewCallId();
        Request invite = messages.createRequest(target, Request.INVITE, callId,
                headers.createCSeqHeader(1L, Request.INVITE),
                headers.createFromHeader(addresses.createAddress(fromUri), tag()),
                headers.createToHeader(addresses.createAddress(target), null),
                List.of(headers.createViaHeader(lp.getIPAddress(), lp.getPort(), "udp", null)),
                headers.createMaxForwardsHeader(70));
        invite.addHeader(contact());
        invite.setContent(SDP, headers.createContentTypeHeader("application", "sdp"));
        PhoneCall call = new PhoneCall(this, callId.getCallId());
        calls.put(call.callId(), call);
        ClientTransaction ct = provider.getNewClientTransaction(invite);
        call.setDialog(ct.getDialog());
        call.setInviteTransaction(ct);
        ct.sendRequest();
        return call;
    }

    void sendBye(PhoneCall call) throws Exception {
        Dialog dialog = call.dialog();
        Request bye = dialog.createRequest(Request.BYE);
        dialog.sendRequest(provider.getNewClientTransaction(bye));
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
            switch (request.getMethod()) {
                case Request.INVITE -> answer(event, callId);
                case Request.ACK -> { }
                case Request.CANCEL -> cancelled(event, callId);
                case Request.BYE -> {
                    ServerTransaction st = serverTransaction(event);
                    st.sendResponse(messages.createResponse(Response.OK, request));
                    PhoneCall call = calls.get(callId);
                    if (call != null) {
                        call.markEnded();
                    }
                }
                default -> serverTransaction(event).sendResponse(messages.createResponse(Response.OK, request));
            }
        } catch (Exception e) {
            LOG.warn("phone {} could not handle {}: {}", name, request.getMethod(), e.toString());
        }
    }

    private void answer(RequestEvent event, String callId) throws Exception {
        Request invite = event.getRequest();
        ServerTransaction st = serverTransaction(event);
        PhoneCall call = new PhoneCall(this, callId);
        calls.put(callId, call);
        String tag = tag();
        Response ring = messages.createResponse(Response.RINGING, invite);
        ((ToHeader) ring.getHeader(ToHeader.NAME)).setTag(tag);
        ring.addHeader(contact());
        st.sendResponse(ring);
        call.setDialog(st.getDialog());
        incoming.add(call);
        PendingAnswer pending = new PendingAnswer(st, invite);
        ringing.put(callId, pending);
        pending.answer = timer.schedule(() -> {
            if (ringing.remove(callId) == null) {
                return; // cancelled meanwhile
            }
            try {
                Response ok = messages.createResponse(Response.OK, invite);
                ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(tag);
                ok.addHeader(contact());
                ok.setContent(SDP, headers.createContentTypeHeader("application", "sdp"));
                st.sendResponse(ok);
                call.markAnswered(200);
            } catch (Exception e) {
                LOG.warn("phone {} could not answer: {}", name, e.toString());
            }
        }, ringTime.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A CANCEL while ringing: 200 for the CANCEL, 487 for the INVITE, and the call is over. */
    private void cancelled(RequestEvent event, String callId) throws Exception {
        serverTransaction(event).sendResponse(messages.createResponse(Response.OK, event.getRequest()));
        PendingAnswer pending = ringing.remove(callId);
        if (pending != null) {
            pending.answer.cancel(false);
            pending.invite.sendResponse(messages.createResponse(Response.REQUEST_TERMINATED, pending.request));
        }
        PhoneCall call = calls.get(callId);
        if (call != null) {
            call.markFailed(Response.REQUEST_TERMINATED);
        }
    }

    /** Sends CANCEL for a call this phone placed and that has not been answered yet. */
    void sendCancel(PhoneCall call) throws Exception {
        ClientTransaction invite = call.inviteTransaction();
        provider.getNewClientTransaction(invite.createCancel()).sendRequest();
    }

    private static final class PendingAnswer {
        final ServerTransaction invite;
        final Request request;
        java.util.concurrent.ScheduledFuture<?> answer;

        PendingAnswer(ServerTransaction invite, Request request) {
            this.invite = invite;
            this.request = request;
        }
    }

    private ServerTransaction serverTransaction(RequestEvent event) throws Exception {
        ServerTransaction st = event.getServerTransaction();
        return st != null ? st : provider.getNewServerTransaction(event.getRequest());
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        try {
            CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
            String callId = ((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId();
            PhoneCall call = calls.get(callId);
            int status = response.getStatusCode();
            if (Request.REGISTER.equals(cseq.getMethod()) && status >= 200) {
                registered(event, response, cseq.getSeqNumber());
                return;
            }
            if (call == null || status < 200) {
                return;
            }
            if (Request.INVITE.equals(cseq.getMethod()) && isChallenge(status) && !call.challenged()
                    && event.getClientTransaction() != null) {
                call.markChallenged();
                ClientTransaction retry = retryWithCredentials(response, event.getClientTransaction().getRequest());
                if (retry != null) {
                    call.setDialog(retry.getDialog());
                    call.setInviteTransaction(retry);
                    return;
                }
            }
            if (Request.INVITE.equals(cseq.getMethod())) {
                if (status < 300) {
                    Dialog dialog = event.getDialog();
                    dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
                    call.setDialog(dialog);
                    call.markAnswered(status);
                } else {
                    call.markFailed(status);
                }
            } else if (Request.BYE.equals(cseq.getMethod())) {
                call.markEnded();
            }
        } catch (Exception e) {
            LOG.warn("phone {} could not handle response {}: {}", name, response.getStatusCode(), e.toString());
        }
    }

    private static boolean isChallenge(int status) {
        return status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED;
    }

    private void registered(ResponseEvent event, Response response, long cseq) throws Exception {
        CompletableFuture<Response> waiting = registrations.remove(cseq);
        if (waiting == null) {
            return;
        }
        if (isChallenge(response.getStatusCode()) && event.getClientTransaction() != null) {
            ClientTransaction retry = retryWithCredentials(response, event.getClientTransaction().getRequest());
            if (retry != null) {
                long next = ((CSeqHeader) retry.getRequest().getHeader(CSeqHeader.NAME)).getSeqNumber();
                registrations.put(next, waiting);
                return;
            }
        }
        waiting.complete(response);
    }

    private ContactHeader contact() throws Exception {
        SipURI uri = addresses.createSipURI(name, lp.getIPAddress());
        uri.setPort(lp.getPort());
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The address this phone listens on, as a contact URI. */
    public String contactUri() {
        return "sip:" + name + "@" + lp.getIPAddress() + ":" + lp.getPort();
    }

    @Override public void processTimeout(TimeoutEvent event) { LOG.info("phone {}: transaction timeout", name); }
    @Override public void processIOException(IOExceptionEvent event) { }
    @Override public void processTransactionTerminated(TransactionTerminatedEvent event) { }
    @Override public void processDialogTerminated(DialogTerminatedEvent event) { }

    @Override
    public void close() {
        timer.shutdownNow();
        stack.stop();
    }
}
