package io.callhook.sip;

import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;

/** Null-safe reads of the few header values callhook needs, for routing and for log lines. */
final class SipText {

    private SipText() {}

    static String callId(Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "-" : h.getCallId();
    }

    static String fromTag(Message m) {
        FromHeader h = (FromHeader) m.getHeader(FromHeader.NAME);
        return h == null ? null : h.getTag();
    }

    static String toTag(Message m) {
        ToHeader h = (ToHeader) m.getHeader(ToHeader.NAME);
        return h == null ? null : h.getTag();
    }

    static String topBranch(Message m) {
        ViaHeader h = (ViaHeader) m.getHeader(ViaHeader.NAME);
        return h == null ? null : h.getBranch();
    }

    /** The top Via's transport, host and port ({@code UDP 127.0.0.1:5070}), or null. */
    static String topSentBy(Message m) {
        ViaHeader h = (ViaHeader) m.getHeader(ViaHeader.NAME);
        return h == null ? null : h.getTransport() + ' ' + h.getHost() + ':' + h.getPort();
    }
}
