package io.callhook.sip;

import io.callhook.config.SipUri;
import io.callhook.directory.DeviceOwner;
import io.callhook.directory.Directory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.DateHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.TimeZone;

/**
 * The registrar's SIP side (RFC 3261 §10.3): answers a REGISTER that {@link Admission} let through,
 * on its own server transaction (so retransmissions are absorbed). A REGISTER is never forwarded.
 *
 * <ul>
 *   <li>The To URI must be a directory device's AOR (else 404); a device that authenticated may
 *       register only its own AOR (else 403).</li>
 *   <li>Each Contact's expiry is its {@code expires} parameter, else the {@code Expires} header,
 *       else {@value #DEFAULT_EXPIRES} s; longer ones are cut to {@value #MAX_EXPIRES} s, shorter
 *       ones than {@value #MIN_EXPIRES} s (but not 0) get 423 with {@code Min-Expires}; 0 removes.</li>
 *   <li>{@code Contact: *} with {@code Expires: 0} (and nothing else) removes every binding; any
 *       other use of {@code *} is 400. No Contact at all asks for the current bindings.</li>
 *   <li>The 200 lists every current binding of the AOR with its remaining {@code expires}.</li>
 * </ul>
 */
final class RegisterResponder {

    private static final Logger LOG = LoggerFactory.getLogger(RegisterResponder.class);

    static final int DEFAULT_EXPIRES = 3600;
    static final int MIN_EXPIRES = 60;
    static final int MAX_EXPIRES = 3600;

    private final Registrar registrar;
    private final Directory directory;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final Forwarder forwarder;
    private final Clock clock;

    RegisterResponder(Registrar registrar, Directory directory, Forwarder forwarder, Clock clock) {
        this.registrar = registrar;
        this.directory = directory;
        this.forwarder = forwarder;
        this.messages = forwarder.messages;
        this.headers = forwarder.headers;
        this.clock = clock;
    }

    void register(SipProvider provider, RequestEvent event) throws Exception {
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
        String callId = SipText.callId(request);
        String to = ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI().toString();
        Optional<DeviceOwner> owner = directory.deviceByUri(to);
        if (owner.isEmpty() || SipUri.parse(to).map(SipUri::user).isEmpty()) {
            LOG.info("call_id={} REGISTER for {}: not a device AOR in the directory: 404", callId, to);
            forwarder.respond(provider, st, request, 404);
            return;
        }
        String aor = owner.get().device().aor();
        Optional<DeviceOwner> authenticated = Admission.authenticatedDevice(request);
        if (authenticated.isPresent() && !authenticated.get().device().aor().equals(aor)) {
            LOG.warn("call_id={} REGISTER for {} refused: authenticated as the device {}: 403", callId, aor,
                    authenticated.get().device().aor());
            forwarder.respond(provider, st, request, 403);
            return;
        }
        long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
        ExpiresHeader expiresHeader = request.getExpires();
        int headerExpires = expiresHeader == null ? -1 : expiresHeader.getExpires();
        List<ContactHeader> contacts = new ArrayList<>();
        for (ListIterator<?> it = request.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            contacts.add((ContactHeader) it.next());
        }

        Registrar.Outcome outcome;
        if (contacts.stream().anyMatch(ContactHeader::isWildCard)) {
            if (contacts.size() != 1 || headerExpires != 0) {
                LOG.info("call_id={} REGISTER for {}: Contact * needs Expires: 0 and no other contact: 400", callId, aor);
                forwarder.respond(provider, st, request, 400);
                return;
            }
            outcome = registrar.removeAll(aor, callId, cseq);
        } else if (contacts.isEmpty()) {
            outcome = Registrar.Outcome.UPDATED; // a query
        } else {
            List<Registrar.ContactUpdate> updates = new ArrayList<>();
            for (ContactHeader contact : contacts) {
                int asked = contact.getExpires() >= 0 ? contact.getExpires()
                        : headerExpires >= 0 ? headerExpires : DEFAULT_EXPIRES;
                if (asked > 0 && asked < MIN_EXPIRES) {
                    Response tooBrief = messages.createResponse(Response.INTERVAL_TOO_BRIEF, request);
                    tooBrief.addHeader(headers.createMinExpiresHeader(MIN_EXPIRES));
                    send(provider, st, tooBrief);
                    return;
                }
                updates.add(new Registrar.ContactUpdate(contact.getAddress().getURI().toString(),
                        Duration.ofSeconds(Math.min(asked, MAX_EXPIRES))));
            }
            outcome = registrar.update(aor, updates, callId, cseq);
        }
        switch (outcome) {
            case OUT_OF_ORDER -> {
                LOG.info("call_id={} REGISTER for {}: CSeq {} is not above the binding's: 500", callId, aor, cseq);
                forwarder.respond(provider, st, request, 500);
            }
            case TOO_MANY_CONTACTS -> {
                LOG.warn("call_id={} REGISTER for {} refused: more than the contacts allowed per AOR: 403", callId, aor);
                forwarder.respond(provider, st, request, 403);
            }
            case UPDATED -> ok(provider, st, request, aor);
        }
    }

    private void ok(SipProvider provider, ServerTransaction st, Request request, String aor) throws Exception {
        Response ok = messages.createResponse(Response.OK, request);
        ToHeader to = (ToHeader) ok.getHeader(ToHeader.NAME);
        if (to.getTag() == null) {
            to.setTag(Branches.fresh().substring(Branches.OURS.length()));
        }
        Instant now = clock.instant();
        List<Registrar.Binding> bindings = registrar.bindings(aor);
        for (Registrar.Binding b : bindings) {
            ContactHeader contact = headers.createContactHeader(forwarder.address(forwarder.addresses.createURI(b.contact())));
            contact.setExpires((int) b.secondsLeft(now));
            ok.addHeader(contact);
        }
        Calendar date = Calendar.getInstance(TimeZone.getTimeZone("GMT"));
        date.setTimeInMillis(now.toEpochMilli());
        DateHeader dateHeader = headers.createDateHeader(date);
        ok.addHeader(dateHeader);
        send(provider, st, ok);
        LOG.info("call_id={} registered aor={} contacts={}", SipText.callId(request), aor,
                bindings.stream().map(b -> b.contact() + ";expires=" + b.secondsLeft(now)).toList());
    }

    private void send(SipProvider provider, ServerTransaction st, Response response) {
        try {
            st.sendResponse(response);
            forwarder.counters.responsesOut.increment();
        } catch (Exception e) {
            LOG.info("call_id={} could not answer REGISTER: {}", SipText.callId(response), e.toString());
        }
    }
}
