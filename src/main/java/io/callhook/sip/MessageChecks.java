package io.callhook.sip;

import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderAddress;
import javax.sip.header.ProxyRequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;

/**
 * The validation the RI leaves to its application (RFC 3261 §16.3, RFC 4475): a verdict for each
 * message before the proxy does anything with it. A request that fails is answered with
 * {@link Verdict#status()} (never an ACK); a response that fails is dropped.
 *
 * <p>Pure and cheap, for every message at full call rate: header lookups in the parsed message,
 * string comparisons, no regular expressions, no re-encoding. What only the raw text shows comes
 * from {@link ParseNotes}, written while parsing by {@link NotingMessageParser}.
 *
 * <p>What the RI already refuses before the listener is not repeated here for its own sake, but
 * checked again where a message could reach us without it (a fuzzed or hand-built message):
 * missing Via / From / To / Call-ID / CSeq, a CSeq method that differs from the Request-Line.
 */
final class MessageChecks {

    private MessageChecks() {}

    /** The verdict on a request: the first problem in the order the RFC would look for it. */
    static Verdict request(Request request) {
        ParseNotes notes = ParseNotes.of(request);
        if (notes != null) {
            Verdict noted = notes.forRequest();
            if (!noted.ok()) {
                return noted;
            }
        }
        if (request instanceof SIPRequest nist && nist.getRequestLine() != null
                && !"SIP/2.0".equalsIgnoreCase(nist.getRequestLine().getSipVersion())) {
            return Verdict.of(MessageProblem.SIP_VERSION, nist.getRequestLine().getSipVersion());
        }
        Verdict common = commonHeaders(request, notes);
        if (!common.ok()) {
            return common;
        }
        String method = request.getMethod();
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (method == null || !method.equals(cseq.getMethod())) {
            return Verdict.of(MessageProblem.CSEQ_METHOD, cseq.getMethod());
        }
        Verdict missing = methodHeaders(request, method);
        if (!missing.ok()) {
            return missing;
        }
        if (request instanceof SIPMessage nist) {
            ListIterator<String> unparsed = nist.getUnrecognizedHeaders();
            if (unparsed.hasNext()) {
                return Verdict.of(MessageProblem.MALFORMED_HEADER, headerNameOf(unparsed.next()));
            }
        }
        URI target = request.getRequestURI();
        if (target == null || !isRoutableScheme(target.getScheme())) {
            return Verdict.of(MessageProblem.URI_SCHEME, target == null ? null : target.getScheme());
        }
        if (target instanceof SipUri sip && hasHeaders(sip)) {
            return Verdict.of(MessageProblem.REQUEST_URI_HEADERS, null);
        }
        Verdict addresses = addrSpecHeaders(request);
        if (!addresses.ok()) {
            return addresses;
        }
        String branch = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getBranch();
        if (Branches.MAGIC_COOKIE.equalsIgnoreCase(branch)) {
            return Verdict.of(MessageProblem.EMPTY_BRANCH, null);
        }
        if (request.getHeader(ProxyRequireHeader.NAME) != null && !Request.ACK.equals(method)) {
            return Verdict.of(MessageProblem.PROXY_REQUIRE, null); // callhook supports no extension a proxy could be required to
        }
        if (Request.REGISTER.equals(method)
                && !(((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI() instanceof SipURI)) {
            return Verdict.of(MessageProblem.REGISTER_TO, null);
        }
        return Verdict.OK;
    }

    /** The verdict on a response: only what makes it unsafe to match or relay (framing, identity). */
    static Verdict response(Response response) {
        ParseNotes notes = ParseNotes.of(response);
        if (notes != null) {
            Verdict noted = notes.forResponse();
            if (!noted.ok()) {
                return noted;
            }
        }
        if (response instanceof SIPResponse nist && nist.getStatusLine() != null
                && !"SIP/2.0".equalsIgnoreCase(nist.getStatusLine().getSipVersion())) {
            return Verdict.of(MessageProblem.SIP_VERSION, nist.getStatusLine().getSipVersion());
        }
        int status = response.getStatusCode();
        if (status < 100 || status > 699) {
            return Verdict.of(MessageProblem.STATUS_CODE, String.valueOf(status));
        }
        return commonHeaders(response, notes);
    }

    /** The option tags of the request's Proxy-Require headers, for the Unsupported header of a 420. */
    static List<String> proxyRequired(Request request) {
        List<String> tags = new ArrayList<>();
        ListIterator<?> headers = request.getHeaders(ProxyRequireHeader.NAME);
        while (headers.hasNext()) {
            Object h = headers.next();
            if (h instanceof ProxyRequireHeader p && p.getOptionTag() != null) {
                tags.add(p.getOptionTag());
            }
        }
        return tags;
    }

    /** Via, From, To, Call-ID and CSeq present, the top Via SIP/2.0, the Content-Length true. */
    private static Verdict commonHeaders(Message message, ParseNotes notes) {
        ViaHeader via = (ViaHeader) message.getHeader(ViaHeader.NAME);
        if (via == null) {
            return Verdict.of(MessageProblem.MISSING_HEADER, ViaHeader.NAME);
        }
        if (message.getHeader(FromHeader.NAME) == null) {
            return Verdict.of(MessageProblem.MISSING_HEADER, FromHeader.NAME);
        }
        if (message.getHeader(ToHeader.NAME) == null) {
            return Verdict.of(MessageProblem.MISSING_HEADER, ToHeader.NAME);
        }
        CallIdHeader callId = (CallIdHeader) message.getHeader(CallIdHeader.NAME);
        if (callId == null || callId.getCallId() == null || callId.getCallId().isEmpty()) {
            return Verdict.of(MessageProblem.MISSING_HEADER, CallIdHeader.NAME);
        }
        if (message.getHeader(CSeqHeader.NAME) == null) {
            return Verdict.of(MessageProblem.MISSING_HEADER, CSeqHeader.NAME);
        }
        if (via instanceof Via nist && nist.getSentProtocol() != null
                && !("SIP".equalsIgnoreCase(nist.getSentProtocol().getProtocolName())
                && "2.0".equals(nist.getSentProtocol().getProtocolVersion()))) {
            return Verdict.of(MessageProblem.VIA_VERSION, null);
        }
        ListIterator<?> vias = message.getHeaders(ViaHeader.NAME);
        while (vias.hasNext()) {
            if (vias.next() instanceof ViaHeader v && !isPortOrEmpty(v.getParameter("rport"))) {
                return Verdict.of(MessageProblem.VIA_RPORT, v.getParameter("rport"));
            }
        }
        if (notes != null && notes.contentLengthSeen) { // over UDP a message may carry none (RFC 3261 §18.3)
            byte[] body = message.getRawContent();
            int actual = body == null ? 0 : body.length;
            if (notes.declaredContentLength != actual) {
                return Verdict.of(MessageProblem.CONTENT_LENGTH, notes.declaredContentLength + " for " + actual);
            }
        }
        if (isSdpWithNul(message)) {
            return Verdict.of(MessageProblem.SDP_NUL, null);
        }
        return Verdict.OK;
    }

    /** Absent, empty, or 1 to 5 digits (what {@code Via.getRPort} can read without throwing). */
    private static boolean isPortOrEmpty(String value) {
        if (value == null || value.isEmpty()) {
            return true;
        }
        if (value.length() > 5) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Scans the body only when it is SDP (a few hundred bytes on INVITEs and their answers). */
    private static boolean isSdpWithNul(Message message) {
        ContentTypeHeader type = (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME);
        if (type == null || !"sdp".equalsIgnoreCase(type.getContentSubType())
                || !"application".equalsIgnoreCase(type.getContentType())) {
            return false;
        }
        byte[] body = message.getRawContent();
        if (body != null) {
            for (byte b : body) {
                if (b == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The headers the RI insists on before it makes a server transaction ({@code SIPRequest.checkHeaders}):
     * Contact on a dialog-creating request outside a dialog, Subscription-State (and Event) on
     * NOTIFY, Event on PUBLISH. Missing, the stack would throw instead of letting us answer.
     * (A missing Max-Forwards is added by the proxy instead, RFC 3261 §16.6 step 3.)
     */
    private static Verdict methodHeaders(Request request, String method) {
        if (SIPTransactionStack.isDialogCreated(method) && request.getHeader(ContactHeader.NAME) == null
                && ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null) {
            return Verdict.of(MessageProblem.MISSING_HEADER, ContactHeader.NAME);
        }
        if (Request.NOTIFY.equals(method)) {
            if (request.getHeader("Subscription-State") == null) {
                return Verdict.of(MessageProblem.MISSING_HEADER, "Subscription-State");
            }
            if (((FromHeader) request.getHeader(FromHeader.NAME)).getTag() != null
                    && ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null
                    && request.getHeader("Event") == null) {
                return Verdict.of(MessageProblem.MISSING_HEADER, "Event");
            }
        }
        if (Request.PUBLISH.equals(method) && request.getHeader("Event") == null) {
            return Verdict.of(MessageProblem.MISSING_HEADER, "Event");
        }
        return Verdict.OK;
    }

    /** From, To and every Contact: a URI with headers must be inside angle brackets (RFC 3261 §20). */
    private static Verdict addrSpecHeaders(Request request) {
        if (isBareUriWithHeaders((HeaderAddress) request.getHeader(FromHeader.NAME))) {
            return Verdict.of(MessageProblem.ADDR_SPEC_HEADERS, FromHeader.NAME);
        }
        if (isBareUriWithHeaders((HeaderAddress) request.getHeader(ToHeader.NAME))) {
            return Verdict.of(MessageProblem.ADDR_SPEC_HEADERS, ToHeader.NAME);
        }
        ListIterator<?> contacts = request.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            if (contacts.next() instanceof HeaderAddress contact && isBareUriWithHeaders(contact)) {
                return Verdict.of(MessageProblem.ADDR_SPEC_HEADERS, ContactHeader.NAME);
            }
        }
        return Verdict.OK;
    }

    private static boolean isBareUriWithHeaders(HeaderAddress header) {
        if (header == null) {
            return false;
        }
        Address address = header.getAddress();
        return address instanceof AddressImpl a && a.getAddressType() == AddressImpl.ADDRESS_SPEC
                && a.getURI() instanceof SipUri sip && hasHeaders(sip);
    }

    private static boolean hasHeaders(SipUri uri) {
        return uri.getQheaders() != null && !uri.getQheaders().isEmpty();
    }

    /** The URI schemes the proxy can route (RFC 3261 §16.3 step 2): SIP, SIPS and tel numbers. */
    private static boolean isRoutableScheme(String scheme) {
        if (scheme == null) {
            return false;
        }
        String s = scheme.toLowerCase(Locale.ROOT);
        return s.equals("sip") || s.equals("sips") || s.equals("tel");
    }

    /** The name part of an unparsed header line, for the reason phrase. */
    private static String headerNameOf(String header) {
        int colon = header.indexOf(':');
        return (colon < 0 ? header : header.substring(0, colon)).trim();
    }
}
