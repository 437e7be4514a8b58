package io.callhook.sip;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import io.callhook.config.Cidr;
import io.callhook.config.SipUri;
import io.callhook.directory.Device;
import io.callhook.directory.DeviceOwner;
import io.callhook.directory.Directory;
import io.callhook.sip.auth.DigestAlgorithm;
import io.callhook.sip.auth.DigestChallenge;
import io.callhook.sip.auth.DigestCredentials;
import io.callhook.sip.auth.NonceCounts;
import io.callhook.sip.auth.Nonces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.RequestEvent;
import javax.sip.SipProvider;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;

/**
 * Access control, the proxy's first step for every request: no open relay.
 *
 * <ul>
 *   <li>From {@code sip.trusted_peers} (the PBX, the trunk): everything is admitted, as before.</li>
 *   <li>From anywhere else, an initial request must carry digest credentials of a directory device
 *       (RFC 3261 §22): without them it gets 407 (REGISTER: 401) with a fresh nonce; with a wrong
 *       password or an unknown user 403, logged without any secret; with an expired nonce a new
 *       407 saying {@code stale=true}; a replayed nonce count a new challenge.</li>
 *   <li>REGISTER, from anywhere: a device that has credentials must authenticate (401), whatever its
 *       source; a device without credentials may register only from a trusted peer (else 403).</li>
 *   <li>In-dialog requests from untrusted addresses (the To has a tag: BYE, re-INVITE, UPDATE …) and
 *       ACKs for 2xx are admitted when their top Route is ours with the dialog's {@link DialogTokens
 *       token}; others get 403 (an ACK is dropped). A CANCEL is always admitted: the stack matches
 *       it to an INVITE transaction we admitted, or it is answered 481 and goes nowhere.</li>
 * </ul>
 *
 * <p>Challenges and refusals are sent statelessly, so an unauthenticated flood costs no transaction
 * state; the nonce is stateless too ({@link Nonces}). The device that authenticated is attached to
 * the request ({@link #authenticatedDevice}): it identifies the caller better than the From header.
 *
 * <p>Threading: called on SIP threads; directory lookups are cache hits; nothing blocks.
 */
final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    /** What a successful digest check leaves on the request (the RI's per-message application data). */
    private record Authenticated(DeviceOwner owner) {}

    private final List<Cidr> trustedPeers;
    private final Directory directory;
    private final Nonces nonces;
    private final NonceCounts nonceCounts;
    private final DialogTokens tokens;
    private final LocalAddresses local;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final SipCounters counters;

    Admission(List<Cidr> trustedPeers, Directory directory, Nonces nonces, NonceCounts nonceCounts,
              DialogTokens tokens, LocalAddresses local, MessageFactory messages, HeaderFactory headers,
              SipCounters counters) {
        this.counters = counters;
        this.trustedPeers = List.copyOf(trustedPeers);
        this.directory = directory;
        this.nonces = nonces;
        this.nonceCounts = nonceCounts;
        this.tokens = tokens;
        this.local = local;
        this.messages = messages;
        this.headers = headers;
    }

    /** The device whose digest credentials this request carried, when {@link Admission} verified them. */
    static Optional<DeviceOwner> authenticatedDevice(Request request) {
        return request instanceof SIPMessage m && m.getApplicationData() instanceof Authenticated a
                ? Optional.of(a.owner()) : Optional.empty();
    }

    /**
     * True when the request may go on; false when it was refused (and answered, or dropped).
     */
    boolean admit(SipProvider provider, RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        InetAddress source = sourceOf(request);
        boolean trusted = isTrusted(source);
        if (Request.REGISTER.equals(method)) {
            return admitRegister(provider, request, trusted, source);
        }
        if (trusted) {
            return true;
        }
        switch (method) {
            case Request.CANCEL -> {
                return true;
            }
            case Request.ACK -> {
                if (event.getServerTransaction() != null || tokens.carriedBy(request, local)) {
                    return true;
                }
                // usually the ACK of a 407 we sent statelessly; otherwise nothing we forward
                LOG.debug("call_id={} ACK from untrusted {} outside any dialog of ours: dropped",
                        SipText.callId(request), address(source));
                return false;
            }
            default -> {
                if (SipText.toTag(request) != null) {
                    if (tokens.carriedBy(request, local)) {
                        return true;
                    }
                    LOG.info("call_id={} refused: in-dialog {} from untrusted {} without a Route of a dialog of ours: 403",
                            SipText.callId(request), method, address(source));
                    answer(provider, request, 403, "Forbidden (not a dialog of this proxy)", List.of());
                    return false;
                }
                return authenticate(provider, request, source, Response.PROXY_AUTHENTICATION_REQUIRED,
                        challengeFor(uriOf(request, FromHeader.NAME)));
            }
        }
    }

    boolean isTrusted(InetAddress source) {
        if (source == null) {
            return false;
        }
        for (Cidr cidr : trustedPeers) {
            if (cidr.contains(source)) {
                return true;
            }
        }
        return false;
    }

    private boolean admitRegister(SipProvider provider, Request request, boolean trusted, InetAddress source) {
        String aor = uriOf(request, ToHeader.NAME);
        Optional<Optional<DeviceOwner>> named = trusted ? Optional.of(directory.deviceByUri(aor))
                : directory.deviceByUriIfReady(aor);
        if (named.isEmpty()) { // a slow directory source does not know yet: challenge, it will by the retry
            return authenticate(provider, request, source, Response.UNAUTHORIZED, anyDevice(aor));
        }
        Optional<DeviceOwner> owner = named.get();
        if (owner.isEmpty()) {
            return true; // the registrar answers 404
        }
        Device device = owner.get().device();
        if (device.authUser() == null || device.ha1() == null) {
            if (trusted) {
                return true;
            }
            LOG.warn("call_id={} refused: REGISTER for {} from untrusted {}: the device has no credentials "
                    + "(auth_user, ha1), so it may register only from a trusted peer: 403",
                    SipText.callId(request), device.aor(), address(source));
            answer(provider, request, 403, "Forbidden", List.of());
            return false;
        }
        Challenge challenge = new Challenge(device.realm(), List.of(algorithmOf(device)));
        return authenticate(provider, request, source, Response.UNAUTHORIZED, challenge);
    }

    /** The realm and algorithms to offer: the named device's if it has credentials, else its host, both algorithms. */
    private record Challenge(String realm, List<DigestAlgorithm> algorithms) {}

    private Challenge challengeFor(String uri) {
        Optional<DeviceOwner> owner = directory.deviceByUriIfReady(uri).flatMap(o -> o); // never waits: anyone may send this
        if (owner.isPresent() && owner.get().device().ha1() != null && owner.get().device().realm() != null) {
            Device d = owner.get().device();
            return new Challenge(d.realm(), List.of(algorithmOf(d)));
        }
        return anyDevice(uri);
    }

    /** For a device not known (yet): the URI's host as realm (the default realm of a device), both algorithms. */
    private static Challenge anyDevice(String uri) {
        String realm = SipUri.parse(uri).map(SipUri::host).orElse("callhook");
        return new Challenge(realm, List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5));
    }

    private static DigestAlgorithm algorithmOf(Device device) {
        return DigestAlgorithm.ofHa1(device.ha1()).orElse(DigestAlgorithm.MD5);
    }

    /** The digest check of RFC 3261 §22.3; answers every failure itself. */
    private boolean authenticate(SipProvider provider, Request request, InetAddress source, int status,
                                 Challenge challenge) {
        String callId = SipText.callId(request);
        String method = request.getMethod();
        String headerName = status == Response.UNAUTHORIZED ? AuthorizationHeader.NAME : ProxyAuthorizationHeader.NAME;
        List<DigestCredentials> offered = credentials(request, headerName);
        if (offered.isEmpty()) {
            LOG.debug("call_id={} {} from untrusted {} without credentials: {}", callId, method, address(source), status);
            challenge(provider, request, status, challenge, false);
            return false;
        }
        DigestCredentials credentials = null;
        DeviceOwner owner = null;
        boolean notAtHand = false;
        for (DigestCredentials c : offered) {
            Optional<Optional<DeviceOwner>> o = directory.deviceByAuthUserIfReady(c.realm(), c.username());
            if (o.isEmpty()) {
                notAtHand = true;
            } else if (o.get().isPresent() && o.get().get().device().ha1() != null) {
                credentials = c;
                owner = o.get().get();
                break;
            }
        }
        if (owner == null && notAtHand) {
            // a slow directory source is being asked: the same credentials will do on the new nonce
            LOG.debug("call_id={} {} from {}: credentials not checkable yet: new challenge (stale=true)", callId, method,
                    address(source));
            DigestCredentials c = offered.get(0);
            challenge(provider, request, status, new Challenge(c.realm(), c.algorithm() != null
                    ? List.of(c.algorithm()) : challenge.algorithms()), true);
            return false;
        }
        if (owner == null) {
            DigestCredentials c = offered.get(0);
            LOG.warn("call_id={} auth refused: {} from {}: unknown user={} realm={}: 403", callId, method,
                    address(source), c.username(), c.realm());
            answer(provider, request, 403, "Forbidden", List.of());
            return false;
        }
        Device device = owner.device();
        DigestAlgorithm algorithm = algorithmOf(device);
        if (credentials.algorithm() != algorithm) {
            LOG.info("call_id={} {} from {}: user={} answered with algorithm {}, the directory holds {}: new challenge",
                    callId, method, address(source), credentials.username(),
                    credentials.algorithm() == null ? "unsupported" : credentials.algorithm().token(), algorithm.token());
            challenge(provider, request, status, new Challenge(device.realm(), List.of(algorithm)), false);
            return false;
        }
        Nonces.Check nonce = nonces.check(credentials.nonce());
        if (nonce == Nonces.Check.FORGED) {
            LOG.info("call_id={} {} from {}: user={} with a nonce this proxy did not issue: new challenge",
                    callId, method, address(source), credentials.username());
            challenge(provider, request, status, new Challenge(device.realm(), List.of(algorithm)), false);
            return false;
        }
        if (!credentials.matches(device.ha1(), method)) {
            LOG.warn("call_id={} auth refused: {} from {}: wrong credentials for user={} realm={} device={}: 403",
                    callId, method, address(source), credentials.username(), credentials.realm(), device.aor());
            answer(provider, request, 403, "Forbidden", List.of());
            return false;
        }
        if (!digestUriFits(credentials.uri(), request.getRequestURI())) {
            LOG.warn("call_id={} auth refused: {} from {}: user={} answered for uri {}, not for this request's {}: 403",
                    callId, method, address(source), credentials.username(), credentials.uri(), request.getRequestURI());
            answer(provider, request, 403, "Forbidden", List.of());
            return false;
        }
        if (nonce == Nonces.Check.STALE || !nonceCounts.accept(credentials.nonce(), credentials.nonceCount())) {
            LOG.info("call_id={} {} from {}: user={} with a {} nonce: new challenge (stale=true)", callId, method,
                    address(source), credentials.username(), nonce == Nonces.Check.STALE ? "expired" : "reused");
            challenge(provider, request, status, new Challenge(device.realm(), List.of(algorithm)), true);
            return false;
        }
        ((SIPMessage) request).setApplicationData(new Authenticated(owner));
        LOG.debug("call_id={} {} from {} authenticated as user={} device={}", callId, method, address(source),
                credentials.username(), device.aor());
        return true;
    }

    private static List<DigestCredentials> credentials(Request request, String headerName) {
        List<DigestCredentials> out = new ArrayList<>();
        ListIterator<?> it = request.getHeaders(headerName);
        while (it.hasNext()) {
            Object h = it.next();
            String value = h instanceof SIPHeader sh ? sh.getHeaderValue() : valueOf(h.toString());
            DigestCredentials.parse(value).ifPresent(out::add);
        }
        return out;
    }

    private static String valueOf(String header) {
        int colon = header.indexOf(':');
        return colon < 0 ? header : header.substring(colon + 1).strip();
    }

    /**
     * The digest {@code uri} must name the Request-URI (scheme, user, host, port) or this proxy
     * (SIPp, for one, answers for {@code sip:proxy-host:port}). Each response is good for one
     * request anyway ({@link NonceCounts}).
     */
    private boolean digestUriFits(String digestUri, URI requestUri) {
        String r = requestUri.toString();
        if (digestUri.equals(r)) {
            return true;
        }
        Optional<SipUri> given = SipUri.parse(digestUri);
        if (given.isEmpty()) {
            return false;
        }
        if (given.equals(SipUri.parse(r))) {
            return true;
        }
        return given.get().user() == null && local.isOurs(given.get());
    }

    private void challenge(SipProvider provider, Request request, int status, Challenge challenge, boolean stale) {
        String name = status == Response.UNAUTHORIZED ? WWWAuthenticateHeader.NAME : ProxyAuthenticateHeader.NAME;
        String nonce = nonces.issue();
        List<String> values = new ArrayList<>();
        for (DigestAlgorithm algorithm : challenge.algorithms()) {
            values.add(new DigestChallenge(challenge.realm(), nonce, algorithm, stale).headerValue());
        }
        answer(provider, request, status, null, values.stream().map(v -> new String[] {name, v}).toList());
    }

    /** Sends a response statelessly (no transaction: a flood of refused requests costs nothing to keep). */
    private void answer(SipProvider provider, Request request, int status, String reason, List<String[]> extra) {
        try {
            Response r = messages.createResponse(status, request);
            if (reason != null) {
                r.setReasonPhrase(reason);
            }
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (to != null && to.getTag() == null) {
                to.setTag(Branches.fresh().substring(Branches.OURS.length()));
            }
            for (String[] header : extra) {
                r.addHeader(headers.createHeader(header[0], header[1]));
            }
            provider.sendResponse(r);
            counters.responsesOut.increment();
        } catch (Exception e) {
            LOG.info("call_id={} could not answer {} {}: {}", SipText.callId(request), status, request.getMethod(),
                    e.toString());
        }
    }

    private static String uriOf(Request request, String headerName) {
        javax.sip.header.HeaderAddress h = (javax.sip.header.HeaderAddress) request.getHeader(headerName);
        return h == null ? "" : h.getAddress().getURI().toString();
    }

    static InetAddress sourceOf(Request request) {
        return request instanceof SIPMessage m ? m.getRemoteAddress() : null;
    }

    private static String address(InetAddress a) {
        return a == null ? "unknown" : a.getHostAddress();
    }
}
