package io.callhook.sip;

import javax.sip.message.Message;

/**
 * What {@link NotingMessageParser} saw on the wire that the parsed message no longer shows (the RI's
 * parser is lenient: it trims spaces, keeps the first of duplicated headers, forgets whether a
 * Content-Length was sent). Hung on the message as its application data until {@link MessageChecks}
 * reads it; {@link Admission} may replace it afterwards.
 */
final class ParseNotes {

    private MessageProblem problem;
    private String detail;
    private MessageProblem responseProblem;
    private String responseDetail;
    /** The message carried a Content-Length header (over UDP it may legally have none). */
    boolean contentLengthSeen;
    /**
     * The Content-Length as written (the last one, as the RI takes). The parsed header may be
     * rewritten later: a TCP stream that ends early hands over a shorter body with a length to match.
     */
    int declaredContentLength;

    /** The notes the parser left on {@code message}, or null (a message built here, not parsed). */
    static ParseNotes of(Message message) {
        return message instanceof gov.nist.javax.sip.message.SIPMessage m
                && m.getApplicationData() instanceof ParseNotes notes ? notes : null;
    }

    /** Keeps the first problem of each kind of verdict: any for requests, the framing ones for responses. */
    void note(MessageProblem p, String what) {
        if (problem == null) {
            problem = p;
            detail = what;
        }
        if (p.appliesToResponses && responseProblem == null) {
            responseProblem = p;
            responseDetail = what;
        }
    }

    Verdict forRequest() {
        return problem == null ? Verdict.OK : Verdict.of(problem, detail);
    }

    Verdict forResponse() {
        return responseProblem == null ? Verdict.OK : Verdict.of(responseProblem, responseDetail);
    }
}
