package io.callhook.sip;

import gov.nist.javax.sip.message.SIPMessage;
import io.callhook.ManualClock;
import io.callhook.call.DeviceType;
import io.callhook.config.Cidr;
import io.callhook.directory.Device;
import io.callhook.directory.DeviceOwner;
import io.callhook.directory.DirectoryData;
import io.callhook.directory.Organization;
import io.callhook.directory.PrivacyOptions;
import io.callhook.directory.StaticDirectory;
import io.callhook.directory.User;
import io.callhook.directory.Webhook;
import io.callhook.sip.auth.DigestAlgorithm;
import io.callhook.sip.auth.DigestChallenge;
import io.callhook.sip.auth.DigestClient;
import io.callhook.sip.auth.DigestResponse;
import io.callhook.sip.auth.NonceCounts;
import io.callhook.sip.auth.Nonces;
import org.junit.jupiter.api.Test;

import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Admission} on parsed requests and a provider that records what it would send: the digest
 * paths that the end-to-end tests cannot reach without waiting (an expired nonce) or crafting
 * (replays, algorithm mismatches, forged dialog tokens).
 */
class AdmissionTest {

    static final String DESK_PASSWORD = "desk-secret";
    static final String MOBILE_PASSWORD = "mobile-secret";
    static final Device DESK = new Device(DeviceType.DESKTOP, "sip:setera.desk@seteratesting.fi", null, "setera.desk",
            "seteratesting.fi", DigestResponse.ha1(DigestAlgorithm.MD5, "setera.desk", "seteratesting.fi", DESK_PASSWORD));
    static final Device MOBILE = new Device(DeviceType.MOBILE_VOIP, "sip:setera.mobile@seteratesting.fi", null,
            "setera.mobile", "seteratesting.fi",
            DigestResponse.ha1(DigestAlgorithm.SHA_256, "setera.mobile", "seteratesting.fi", MOBILE_PASSWORD));
    static final Device SOFT = new Device(DeviceType.SOFT, "sip:setera.test@seteratesting.fi", "sip:127.0.0.1:5070",
            null, null, null);
    static final User USER = new User("seteratesting", "setera.test@seteratesting.fi", null, List.of("+358942721234"),
            List.of(SOFT, DESK, MOBILE));

    final ManualClock clock = new ManualClock();
    final MessageFactory messages;
    final HeaderFactory headers;
    final List<Response> sent = new ArrayList<>();
    final SipProvider provider = (SipProvider) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {SipProvider.class}, (proxy, method, args) -> {
                if (method.getName().equals("sendResponse")) {
                    sent.add((Response) args[0]);
                }
                return null;
            });
    final DialogTokens tokens = new DialogTokens(new byte[32]);
    final LocalAddresses local;
    final Admission admission;

    AdmissionTest() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        messages = factory.createMessageFactory();
        headers = factory.createHeaderFactory();
        ListeningPoint lp = (ListeningPoint) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ListeningPoint.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getIPAddress" -> "127.0.0.1";
                    case "getPort" -> 5060;
                    default -> null;
                });
        local = new LocalAddresses(List.of(lp));
        Webhook webhook = new Webhook(URI.create("https://crm.example.com/hooks"), null, Webhook.DEFAULT_STATES, null,
                false, Webhook.DEFAULT_TIMEOUT, Webhook.DEFAULT_MAX_AGE, Webhook.DEFAULT_RETRY_SCHEDULE);
        directory = new StaticDirectory(new DirectoryData(
                List.of(new Organization("seteratesting", "FI", webhook, PrivacyOptions.KEEP_ALL)), List.of(USER), List.of()));
        admission = admission(directory);
    }

    final StaticDirectory directory;

    private Admission admission(io.callhook.directory.Directory directory) {
        return new Admission(List.of(Cidr.parse("127.0.0.1/32")), directory,
                new Nonces(clock, Duration.ofMinutes(5), new byte[32]), new NonceCounts(clock, Duration.ofMinutes(5)),
                tokens, local, messages, headers, new SipCounters());
    }

    private Request request(String method, String from, String source, String extraHeaders) throws Exception {
        String uri = method.equals("REGISTER") ? "sip:seteratesting.fi" : "sip:+358409401234@127.0.0.1:5060";
        String to = method.equals("REGISTER") ? from : "<sip:+358409401234@127.0.0.1>";
        Request r = messages.createRequest(method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + source + ":5072;branch=z9hG4bK-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + from + ";tag=a1\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: c1@" + source + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:dev@" + source + ":5072>\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n");
        ((SIPMessage) r).setRemoteAddress(InetAddress.getByName(source));
        return r;
    }

    private boolean admit(Request r) {
        return admission.admit(provider, new RequestEvent(provider, null, null, r));
    }

    private Response last() {
        return sent.get(sent.size() - 1);
    }

    private DigestChallenge challengeOf(Response r) {
        String name = r.getStatusCode() == 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
        String h = r.getHeader(name).toString();
        return DigestChallenge.parse(h.substring(h.indexOf(':') + 1).strip()).orElseThrow();
    }

    private Request withCredentials(Request r, DigestChallenge c, String user, String password, int nc) throws Exception {
        String name = r.getMethod().equals("REGISTER") ? "Authorization" : "Proxy-Authorization";
        r.addHeader(headers.createHeader(name, DigestClient.authorization(c, user, password, r.getMethod(),
                r.getRequestURI().toString(), "cn" + nc, nc)));
        return r;
    }

    @Test
    void aTrustedPeerIsAdmittedWithoutCredentials() throws Exception {
        assertThat(admit(request("INVITE", "<sip:+358409401234@127.0.0.1>", "127.0.0.1", ""))).isTrue();
        assertThat(sent).isEmpty();
    }

    @Test
    void anUntrustedInviteWithoutCredentialsIsChallengedWithTheFromDevicesRealmAndAlgorithm() throws Exception {
        assertThat(admit(request("INVITE", "<sip:setera.mobile@seteratesting.fi>", "127.0.0.2", ""))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(407);
        DigestChallenge c = challengeOf(last());
        assertThat(c.realm()).isEqualTo("seteratesting.fi");
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.SHA_256);
        assertThat(last().getHeaders("Proxy-Authenticate")).toIterable().hasSize(1);
    }

    @Test
    void anUnknownCallerIsOfferedSha256FirstThenMd5() throws Exception {
        admit(request("OPTIONS", "<sip:someone@elsewhere.example>", "127.0.0.2", ""));
        assertThat(last().getStatusCode()).isEqualTo(407);
        List<String> offered = new ArrayList<>();
        last().getHeaders("Proxy-Authenticate").forEachRemaining(h -> offered.add(h.toString()));
        assertThat(offered).hasSize(2);
        assertThat(offered.get(0)).contains("algorithm=SHA-256").contains("realm=\"elsewhere.example\"");
        assertThat(offered.get(1)).contains("algorithm=MD5");
    }

    @Test
    void theRightCredentialsAreAdmittedAndNameTheDevice() throws Exception {
        admit(request("INVITE", "<sip:setera.desk@seteratesting.fi>", "127.0.0.2", ""));
        Request retry = withCredentials(request("INVITE", "<sip:anonymous@anonymous.invalid>", "127.0.0.2", ""),
                challengeOf(last()), "setera.desk", DESK_PASSWORD, 1);
        assertThat(admit(retry)).isTrue();
        assertThat(Admission.authenticatedDevice(retry)).contains(new DeviceOwner(USER, DESK));
    }

    @Test
    void aReplayedNonceCountIsChallengedAgainAndARisingOneIsAdmitted() throws Exception {
        admit(request("INVITE", "<sip:setera.desk@seteratesting.fi>", "127.0.0.2", ""));
        DigestChallenge c = challengeOf(last());
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "setera.desk",
                DESK_PASSWORD, 1))).isTrue();
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "setera.desk",
                DESK_PASSWORD, 1))).as("the same nc again: a replay").isFalse();
        assertThat(last().getStatusCode()).isEqualTo(407);
        assertThat(challengeOf(last()).stale()).isTrue();
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "setera.desk",
                DESK_PASSWORD, 2))).isTrue();
    }

    @Test
    void anExpiredNonceWithTheRightPasswordGetsAStaleChallenge() throws Exception {
        admit(request("INVITE", "<sip:setera.desk@seteratesting.fi>", "127.0.0.2", ""));
        DigestChallenge c = challengeOf(last());
        clock.advance(Duration.ofMinutes(6));
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "setera.desk",
                DESK_PASSWORD, 1))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(407);
        assertThat(challengeOf(last()).stale()).isTrue();
    }

    @Test
    void credentialsASlowDirectoryCannotCheckYetGetAStaleChallengeInsteadOfAWait() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
        io.callhook.directory.Directory slow = (io.callhook.directory.Directory) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.callhook.directory.Directory.class}, (p, m, args) ->
                        m.getName().endsWith("IfReady") && !ready.get() ? java.util.Optional.empty()
                                : m.invoke(directory, args));
        Admission withSlowDirectory = admission(slow);
        admission.admit(provider, new RequestEvent(provider, null, null,
                request("INVITE", "<sip:setera.desk@seteratesting.fi>", "127.0.0.2", "")));
        DigestChallenge c = challengeOf(last());
        Request first = withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "setera.desk", DESK_PASSWORD, 1);
        assertThat(withSlowDirectory.admit(provider, new RequestEvent(provider, null, null, first))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(407);
        assertThat(challengeOf(last()).stale()).isTrue();
        ready.set(true);
        Request retry = withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), challengeOf(last()),
                "setera.desk", DESK_PASSWORD, 1);
        assertThat(withSlowDirectory.admit(provider, new RequestEvent(provider, null, null, retry))).isTrue();
    }

    @Test
    void aWrongPasswordOrUnknownUserIs403() throws Exception {
        admit(request("INVITE", "<sip:setera.desk@seteratesting.fi>", "127.0.0.2", ""));
        DigestChallenge c = challengeOf(last());
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "setera.desk",
                "guess", 1))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(403);
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), c, "nobody",
                "guess", 1))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(403);
    }

    @Test
    void aNonceThisProxyDidNotIssueOrTheWrongAlgorithmGetsAFreshChallenge() throws Exception {
        DigestChallenge forged = new DigestChallenge("seteratesting.fi", "bm90IG91cnM", DigestAlgorithm.MD5, false);
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), forged, "setera.desk",
                DESK_PASSWORD, 1))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(407);
        admit(request("INVITE", "<sip:setera.desk@seteratesting.fi>", "127.0.0.2", ""));
        DigestChallenge md5 = challengeOf(last());
        assertThat(admit(withCredentials(request("INVITE", "<sip:x@y>", "127.0.0.2", ""), md5, "setera.mobile",
                MOBILE_PASSWORD, 1))).as("MD5 credentials for a SHA-256 HA1").isFalse();
        assertThat(last().getStatusCode()).isEqualTo(407);
        assertThat(challengeOf(last()).algorithm()).isEqualTo(DigestAlgorithm.SHA_256);
    }

    @Test
    void aRegisterIsChallengedWith401EvenFromATrustedPeerWhenTheDeviceHasCredentials() throws Exception {
        assertThat(admit(request("REGISTER", "<sip:setera.desk@seteratesting.fi>", "127.0.0.1", ""))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(401);
        assertThat(last().getHeader("WWW-Authenticate")).isNotNull();
    }

    @Test
    void aDeviceWithoutCredentialsRegistersOnlyFromATrustedPeer() throws Exception {
        assertThat(admit(request("REGISTER", "<sip:setera.test@seteratesting.fi>", "127.0.0.1", ""))).isTrue();
        assertThat(admit(request("REGISTER", "<sip:setera.test@seteratesting.fi>", "127.0.0.2", ""))).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(403);
    }

    @Test
    void anUntrustedInDialogRequestNeedsTheDialogsTokenInItsRoute() throws Exception {
        String toTag = "<sip:+358409401234@127.0.0.1>;tag=b2";
        Request noRoute = request("BYE", "<sip:x@y>", "127.0.0.2", "");
        noRoute.setHeader(headers.createHeader("To", toTag));
        assertThat(admit(noRoute)).isFalse();
        assertThat(last().getStatusCode()).isEqualTo(403);

        Request wrongToken = request("BYE", "<sip:x@y>", "127.0.0.2", "Route: <sip:127.0.0.1:5060;lr;chd=forged>\r\n");
        wrongToken.setHeader(headers.createHeader("To", toTag));
        assertThat(admit(wrongToken)).isFalse();

        Request good = request("BYE", "<sip:x@y>", "127.0.0.2",
                "Route: <sip:127.0.0.1:5060;lr;chd=" + tokens.of("c1@127.0.0.2") + ">\r\n");
        good.setHeader(headers.createHeader("To", toTag));
        assertThat(admit(good)).isTrue();

        Request elsewhere = request("BYE", "<sip:x@y>", "127.0.0.2",
                "Route: <sip:192.0.2.1:5060;lr;chd=" + tokens.of("c1@127.0.0.2") + ">\r\n");
        elsewhere.setHeader(headers.createHeader("To", toTag));
        assertThat(admit(elsewhere)).as("the token must sit in a Route to this proxy").isFalse();
    }

    @Test
    void anUntrustedAckOutsideOurDialogsIsDroppedSilentlyAndACancelIsLeftToTheStack() throws Exception {
        int before = sent.size();
        assertThat(admit(request("ACK", "<sip:x@y>", "127.0.0.2", ""))).isFalse();
        assertThat(sent).hasSize(before);
        assertThat(admit(request("CANCEL", "<sip:x@y>", "127.0.0.2", ""))).isTrue();
    }
}
