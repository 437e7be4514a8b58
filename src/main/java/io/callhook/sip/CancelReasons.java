package io.callhook.sip;

import io.callhook.call.TerminationReason;

import javax.sip.header.Header;
import javax.sip.header.ReasonHeader;
import java.util.List;
import java.util.Locale;

/**
 * What a CANCEL's Reason headers (RFC 3326) mean for the legs it ends: {@code SIP;cause=200} or
 * {@code Q.850;cause=26} say the call was answered elsewhere; anything else is a plain cancel.
 */
final class CancelReasons {

    private CancelReasons() {}

    static TerminationReason meaning(List<Header> reasons) {
        for (Header h : reasons) {
            if (h instanceof ReasonHeader r) {
                String protocol = r.getProtocol() == null ? "" : r.getProtocol().toUpperCase(Locale.ROOT);
                int cause = r.getCause();
                if ((protocol.equals("SIP") && cause == 200) || (protocol.equals("Q.850") && cause == 26)) {
                    return TerminationReason.ANSWERED_ELSEWHERE;
                }
            }
        }
        return TerminationReason.CANCELLED;
    }
}
