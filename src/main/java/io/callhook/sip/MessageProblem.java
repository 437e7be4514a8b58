package io.callhook.sip;

/**
 * A kind of invalid SIP message, with the status a request showing it gets (RFC 3261, RFC 4475).
 * The kind is also what bad input is logged by, once each ({@link RepeatedErrors}).
 */
enum MessageProblem {

    /** A SIP-Version other than SIP/2.0 in the start line (badvers); RFC 3261 §8.2.2 / RFC 4475 §3.1.2.16. */
    SIP_VERSION(505, "Version Not Supported", true),
    /** A response status code outside 100..699 (bigcode); RFC 4475 §3.1.2.19: drop it. */
    STATUS_CODE(400, "Bad Request - Status code out of range", true),
    /**
     * A Via whose {@code rport} is not a number (RFC 3581: {@code rport[=1*DIGIT]}). Found by fuzzing:
     * the RI parses it but throws NumberFormatException whenever it copies the Via, i.e. when the
     * proxy forwards the message or answers it.
     */
    VIA_RPORT(400, "Bad Request - Via rport is not a port", true),
    /** A Via whose sent-protocol is not SIP/2.0. */
    VIA_VERSION(400, "Bad Request - Via is not SIP/2.0", true),
    /** Extra or trailing whitespace in the Request-Line (lwsstart, trws); RFC 3261 §7.1 allows one SP each. */
    REQUEST_LINE_SPACING(400, "Bad Request - Request-Line spacing", false),
    /** The CSeq method is not the request's method (mismatch01/02); RFC 3261 §8.1.1.5. */
    CSEQ_METHOD(400, "Bad Request - CSeq method mismatch", true),
    /** Content-Length does not count the body that came with it (clerr over TCP, mcl01). */
    CONTENT_LENGTH(400, "Bad Request - Content-Length mismatch", true),
    /**
     * An SDP body with a NUL byte, which SDP never has (RFC 4566 §9). What the RI hands over when a TCP
     * peer closes before its body is complete (clerr over TCP): the body padded with NULs to the
     * Content-Length.
     */
    SDP_NUL(400, "Bad Request - NUL in SDP body", true),
    /** A header that allows one value appears twice (multi01, mcl01); RFC 3261 §7.3. */
    DUPLICATE_HEADER(400, "Bad Request - Duplicate header", true),
    /** A header the message cannot be handled without is missing (RFC 3261 §8.1.1, the RI's checkHeaders). */
    MISSING_HEADER(400, "Bad Request - Missing header", true),
    /** A header the parser could not read and left unparsed (baddate); the RI would forward it verbatim. */
    MALFORMED_HEADER(400, "Bad Request - Malformed header", false),
    /** An unquoted display name with characters outside token (baddn); RFC 3261 §25.1 name-addr. */
    DISPLAY_NAME(400, "Bad Request - Unquoted display name", false),
    /** Whitespace inside the angle brackets of a name-addr (badaspec). */
    ADDR_SPEC_SPACE(400, "Bad Request - Space in addr-spec", false),
    /** A URI with headers ("?") outside angle brackets (regbadct); RFC 3261 §20. */
    ADDR_SPEC_HEADERS(400, "Bad Request - URI with headers needs <>", false),
    /** A Request-URI with a headers component (escruri); RFC 3261 §19.1.1 Table 1. */
    REQUEST_URI_HEADERS(400, "Bad Request - Headers in Request-URI", false),
    /** A Via branch that is the bare RFC 3261 magic cookie (badbranch); RFC 4475 §3.2 suggests a stateless 400. */
    EMPTY_BRANCH(400, "Bad Request - Empty branch", false),
    /** A Request-URI scheme the proxy cannot route (unkscm, novelsc); RFC 3261 §16.3 step 2. */
    URI_SCHEME(416, "Unsupported URI Scheme", false),
    /** A Proxy-Require option the proxy does not support (bext01); RFC 3261 §16.3 step 5, answered with Unsupported. */
    PROXY_REQUIRE(420, "Bad Extension", false),
    /** A REGISTER whose To is not a SIP or SIPS address of record (unksm2); RFC 3261 §10.2 / RFC 4475 §3.3.4. */
    REGISTER_TO(400, "Bad Request - To of REGISTER must be a SIP URI", false);

    final int status;
    final String reasonPhrase;
    /** True when a response showing it is dropped too; the rest only refuse requests (a response's cosmetics are not ours to police). */
    final boolean appliesToResponses;

    MessageProblem(int status, String reasonPhrase, boolean appliesToResponses) {
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.appliesToResponses = appliesToResponses;
    }
}
