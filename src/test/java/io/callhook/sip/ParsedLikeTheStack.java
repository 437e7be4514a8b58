package io.callhook.sip;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;

import java.text.ParseException;
import java.util.Set;

/**
 * Parses bytes the way the stack's UDP channel does before our listener sees them: with
 * {@link NotingMessageParser}, a malformed header kept aside as "unparsed" unless it is one the
 * message cannot live without (then the whole message is refused, as {@code UDPMessageChannel}
 * does), and the body read up to Content-Length.
 */
final class ParsedLikeTheStack {

    private static final NotingMessageParser PARSER = new NotingMessageParser();
    private static final Set<Class<?>> MANDATORY = Set.of(From.class, To.class, CSeq.class, Via.class, CallID.class,
            ContentLength.class, RequestLine.class, StatusLine.class);
    private static final ParseExceptionListener LIKE_THE_CHANNEL = (e, message, headerClass, header, raw) -> {
        if (MANDATORY.contains(headerClass)) {
            throw e;
        }
        message.addUnparsed(header);
    };

    static {
        // A running stack hands the RI's static logger its own (SipStackImpl does this at creation); without
        // one the RI falls back to log4j, which callhook does not ship (found by MessageChecksFuzzTest).
        gov.nist.core.CommonLogger.legacyLogger = new Slf4jStackLogger();
    }

    private ParsedLikeTheStack() {}

    /** The parsed message, or null when the parser returned none (an empty or all-CRLF buffer). */
    static SIPMessage parse(byte[] bytes) throws ParseException {
        return PARSER.parseSIPMessage(bytes, true, false, LIKE_THE_CHANNEL);
    }
}
