package io.callhook.sip;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Proof that an in-dialog request belongs to a dialog callhook set up. Every Record-Route the proxy
 * writes carries {@code ;chd=<token>}, an HMAC of the Call-ID under a per-process key; both ends of
 * the dialog copy it into the Route of their later requests (RFC 3261 §12.1), so an ACK, BYE or
 * re-INVITE from an untrusted address is admitted only when its top Route is ours with the right
 * token for its Call-ID. Nobody outside the dialog can mint one, and it costs no memory.
 *
 * <p>The key is random per process: after a restart, in-dialog requests of older dialogs from
 * untrusted addresses are refused (403); trusted peers are not affected. Thread-safe.
 */
final class DialogTokens {

    /** The Record-Route / Route URI parameter. */
    static final String PARAM = "chd";

    private final SecretKeySpec key;

    DialogTokens(byte[] secret) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    static DialogTokens withRandomKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new DialogTokens(secret);
    }

    /** The token for a dialog with this Call-ID: 16 URL-safe base64 characters. */
    String of(String callId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(callId.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** True when the request's top Route names this proxy and carries the token of its Call-ID. */
    boolean carriedBy(Request request, LocalAddresses local) {
        RouteHeader top = (RouteHeader) request.getHeader(RouteHeader.NAME);
        if (top == null) {
            return false;
        }
        URI uri = top.getAddress().getURI();
        if (!(uri instanceof SipURI sip) || !local.isOurs(uri)) {
            return false;
        }
        String presented = sip.getParameter(PARAM);
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                of(SipText.callId(request)).getBytes(StandardCharsets.US_ASCII));
    }
}
