package io.callhook.sip;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

import java.text.ParseException;

/**
 * The RI's parser, plus notes on what it accepts and then forgets ({@link ParseNotes}, read by
 * {@link MessageChecks}): spacing in the Request-Line, duplicated single-valued headers (the RI keeps
 * the first and drops the rest, but takes the <em>last</em> Content-Length), whether a
 * Content-Length was sent at all, and address headers with an unquoted non-token display name or
 * spaces inside the angle brackets. It also keeps the SIP-Version of the Request-Line as written
 * (the RI's lenient parse turns {@code SIP/7.0} into {@code SIP/2.0}), so the stack's own check
 * answers 505, and the case of extension methods in CSeq ({@link CaseKeepingCSeq}).
 *
 * <p>Stateless and shared by all stack threads; per-message state lives in the message's notes.
 * Costs per message one small object and a scan of the first line; per header one switch on its
 * first letter, and a character scan for From, To and Contact.
 */
final class NotingMessageParser extends StringMsgParser {

    @Override
    protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        SIPMessage message = super.processFirstLine(firstLine, listener, raw);
        if (message == null) {
            return null;
        }
        ParseNotes notes = new ParseNotes();
        if (message instanceof SIPRequest request && request.getRequestLine() != null && raw != null) {
            if (WireSyntax.badRequestLineSpacing(raw)) {
                notes.note(MessageProblem.REQUEST_LINE_SPACING, null);
            }
            String version = WireSyntax.requestLineVersion(raw);
            if (version != null && !"SIP/2.0".equalsIgnoreCase(version)) {
                request.getRequestLine().setSipVersion(version);
            }
        }
        message.setApplicationData(notes);
        return message;
    }

    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        WireSyntax.Name name = header == null ? null : WireSyntax.headerName(header);
        ParseNotes notes = message.getApplicationData() instanceof ParseNotes n ? n : null;
        if (name != null && notes != null) {
            if (name == WireSyntax.Name.CONTENT_LENGTH) {
                if (notes.contentLengthSeen) {
                    notes.note(MessageProblem.DUPLICATE_HEADER, name.canonical);
                }
                notes.contentLengthSeen = true; // a default Content-Length: 0 is there before any is parsed
            } else if (name.singleValued() && message.getHeader(name.canonical) != null) {
                notes.note(MessageProblem.DUPLICATE_HEADER, name.canonical);
            }
            if (name.isAddress()) {
                MessageProblem problem = WireSyntax.addressProblem(header, name == WireSyntax.Name.CONTACT);
                if (problem != null) {
                    notes.note(problem, name.canonical);
                }
            }
        }
        super.processHeader(header, message, listener, raw);
        if (name == WireSyntax.Name.CONTENT_LENGTH && notes != null && message.getContentLength() != null) {
            notes.declaredContentLength = message.getContentLength().getContentLength();
        }
        if (name == WireSyntax.Name.CSEQ && message.getCSeq() instanceof CSeq cseq
                && !(cseq instanceof CaseKeepingCSeq) && cseq.getMethod() != null
                && CaseKeepingCSeq.needed(cseq.getMethod())) {
            message.setHeader(new CaseKeepingCSeq(cseq.getSeqNumber(), cseq.getMethod()));
        }
    }
}
