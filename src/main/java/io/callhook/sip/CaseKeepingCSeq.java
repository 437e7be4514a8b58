package io.callhook.sip;

import gov.nist.javax.sip.header.CSeq;

/**
 * A CSeq that writes its method as received. The RI's {@link CSeq} upper-cases the method when it
 * encodes, but methods are case-sensitive (RFC 3261 §7.1): an extension method such as RFC 4475's
 * {@code !interesting-Method…} (intmeth) would leave the proxy with a CSeq that no longer matches its
 * Request-Line, and the answer to it could not be relayed back. Used only for such methods.
 */
final class CaseKeepingCSeq extends CSeq {

    private static final long serialVersionUID = 1L;

    CaseKeepingCSeq(long sequenceNumber, String method) {
        super(sequenceNumber, method);
    }

    @Override
    protected StringBuilder encodeBody(StringBuilder buffer) {
        return buffer.append(seqno).append(' ').append(method);
    }

    /** True when the RI's encoding would change {@code method} (it has lower-case letters). */
    static boolean needed(String method) {
        for (int i = 0; i < method.length(); i++) {
            if (Character.isLowerCase(method.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
