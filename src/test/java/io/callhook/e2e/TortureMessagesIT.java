package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, "bad input never hurts": the 49 messages of RFC 4475 (SIP torture tests), byte for byte,
 * sent to a running callhook over UDP and over TCP from a trusted peer (127.0.0.1), each from a socket
 * of its own. Each must end as the table says (answered with a status, forwarded to where its
 * Request-URI or Route points, dropped, or, over TCP, the connection closed), nothing else may be
 * forwarded anywhere, each kind of refusal is logged once, and afterwards a normal call through the
 * same proxy still produces its three webhook events.
 *
 * <p>The messages are unchanged except for their top Via, pointed at the sending socket ({@link
 * TopVia} says exactly what changes and why). Their Request-URIs name made-up hosts
 * ({@code example.com} …); callhook runs in a JVM of its own whose name lookups come from a hosts
 * file ({@code -Djdk.net.hosts.file}) mapping those names to {@value #DESTINATION_HOST}, where a
 * {@link RecordingSipPeer} listens on the default port 5060: the proxy routes them as any other call,
 * nothing leaves the machine and nothing depends on DNS. mpart01 carries {@code Route:
 * <sip:127.0.0.1:5080>}, so a peer listens there too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TortureMessagesIT {

    /** Where the RFC's host names resolve to in callhook's JVM. A loopback address nobody else uses. */
    static final String DESTINATION_HOST = "127.44.75.1";
    static final List<String> RFC_HOSTS = List.of("example.com", "example.org", "example.net", "company.com",
            "services.example.com", "chair-dnrc.example.com", "registrar.example.com");
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long an answer may take to show up before "dropped" is believed (the box is noisy). */
    static final Duration QUIET = Duration.ofSeconds(2);
    static final String TORTURE = "/io/callhook/sip/MessageChecksFuzzTestInputs/parsedLikeTheStack/";

    enum Hop { DESTINATION, ROUTE }

    /**
     * What the sender sees: these final statuses (in any order: two requests in one TCP stream, as in
     * dblreq, are answered from different SIP threads); and/or the request forwarded; and/or the
     * connection closed.
     */
    record Outcome(List<Integer> finals, Hop forwardedTo, boolean closes) {
        static Outcome answered(Integer... statuses) {
            return new Outcome(List.of(statuses), null, false);
        }

        /** Forwarded, and the peer's answer (486 to an INVITE, else 200) relayed back. */
        static Outcome forwarded(Hop hop, int relayed) {
            return new Outcome(List.of(relayed), hop, false);
        }

        static Outcome dropped() {
            return new Outcome(List.of(), null, false);
        }

        /** TCP: the stack closes the connection without an answer. */
        static Outcome closed() {
            return new Outcome(List.of(), null, true);
        }

        Outcome thenClosed() {
            return new Outcome(finals, forwardedTo, true);
        }

        @Override
        public String toString() {
            return (forwardedTo != null ? "forwarded to " + forwardedTo + ", " : "")
                    + (finals.isEmpty() ? "no answer" : "answered " + finals) + (closes ? ", connection closed" : "");
        }
    }

    /** One torture message, what callhook does with it over UDP and over TCP, and why. */
    record Expect(String name, Outcome udp, Outcome tcp, String why) {
        static Expect both(String name, Outcome both, String why) {
            return new Expect(name, both, both, why);
        }
    }

    static Outcome answered(Integer... s) { return Outcome.answered(s); }
    static Outcome forwarded(Hop h, int relayed) { return Outcome.forwarded(h, relayed); }
    static Outcome dropped() { return Outcome.dropped(); }
    static Outcome closed() { return Outcome.closed(); }

    /**
     * The table, in RFC 4475 order. "RI" marks what the JAIN-SIP stack does before callhook sees the
     * message; REGISTER is never forwarded (callhook is the registrar: 404 for an address of record
     * that is not a directory device).
     */
    static final List<Expect> TABLE = List.of(
            // 3.1.1 valid messages: handled like any other
            Expect.both("wsinv", forwarded(Hop.DESTINATION, 486), "valid; goes along its Route to services.example.com"),
            Expect.both("intmeth", forwarded(Hop.DESTINATION, 200), "valid extension method; CSeq keeps its case"),
            Expect.both("esc01", forwarded(Hop.DESTINATION, 486), "valid escapes"),
            Expect.both("escnull", answered(404), "valid REGISTER: not a directory device"),
            Expect.both("esc02", forwarded(Hop.DESTINATION, 200), "RE%47IST%45R is an extension method, not REGISTER"),
            Expect.both("lwsdisp", forwarded(Hop.DESTINATION, 200), "valid: no LWS between display name and <"),
            Expect.both("longreq", forwarded(Hop.DESTINATION, 486), "valid long values"),
            new Expect("dblreq", answered(404), answered(404, 400),
                    "UDP: the INVITE after the REGISTER is noise in the datagram (RFC 3261 §18.3); TCP: it is a"
                            + " second request, without Contact: 400 (sent by its Via, UDP)"),
            Expect.both("semiuri", forwarded(Hop.DESTINATION, 200), "valid ; in the user part"),
            Expect.both("transports", forwarded(Hop.DESTINATION, 200), "valid unknown transports in lower Vias"),
            Expect.both("mpart01", forwarded(Hop.ROUTE, 200), "valid multipart body; goes to its Route"),
            Expect.both("unreason", dropped(), "valid response, but to no transaction of ours"),
            Expect.both("noreason", dropped(), "valid response, but to no transaction of ours"),
            // 3.1.2 invalid messages: refused (the RI refuses 9 itself; over TCP it closes the connection)
            new Expect("badinv01", answered(400), closed(), "RI: Via ;;,;,, does not parse"),
            new Expect("clerr", answered(400), dropped(), "RI: Content-Length beyond the datagram; TCP: the stack"
                    + " waits for the rest; when the peer gives up it hands the INVITE over, its SDP padded with NULs"
                    + " to the Content-Length, and callhook refuses that SDP (the answer has nowhere to go)"),
            new Expect("ncl", answered(400), closed(), "RI: negative Content-Length"),
            new Expect("scalar02", answered(400), closed(), "RI: CSeq number overflows"),
            Expect.both("scalarlg", dropped(), "RI: response with an overlarge CSeq"),
            new Expect("quotbal", answered(400), closed(), "RI: unterminated quoted string in To"),
            new Expect("ltgtruri", answered(400), closed(), "RI: <> around the Request-URI"),
            new Expect("lwsruri", answered(400), closed(), "RI: LWS inside the Request-URI"),
            Expect.both("lwsstart", answered(400), "callhook: two SPs between Request-Line elements"),
            Expect.both("trws", answered(400), "callhook: SPs after SIP/2.0"),
            Expect.both("escruri", answered(400), "callhook: headers in the Request-URI"),
            Expect.both("baddate", answered(400), "callhook: Date in EST does not parse (the RI keeps it unparsed)"),
            Expect.both("regbadct", answered(400), "callhook: Contact URI with ? outside <>"),
            Expect.both("badaspec", answered(400), "callhook: spaces inside <> in To"),
            new Expect("baddn", answered(400), dropped(), "callhook: unquoted display name with a comma; TCP: the"
                    + " message has no empty line after its headers, so the stack waits for the rest"),
            new Expect("badvers", answered(505), answered(505).thenClosed(),
                    "RI answers 505 once callhook's parser keeps the SIP/7.0 it used to rewrite to SIP/2.0"),
            new Expect("mismatch01", answered(400), answered(400).thenClosed(), "RI: CSeq method differs"),
            new Expect("mismatch02", answered(400), answered(400).thenClosed(), "RI: CSeq method differs"),
            new Expect("bigcode", dropped(), closed(), "RI: status code 4294967301 does not parse"),
            // 3.2 transaction layer
            Expect.both("badbranch", answered(400), "callhook: branch is the bare magic cookie (RFC 4475 §3.2: 400, statelessly)"),
            // 3.3 application layer, as a proxy (and registrar)
            Expect.both("insuf", dropped(), "RI: no From, To, Call-ID: nothing to build an answer from"),
            Expect.both("unkscm", answered(416), "callhook: Request-URI scheme it cannot route (RFC 3261 §16.3 step 2)"),
            Expect.both("novelsc", answered(416), "callhook: soap.beep: scheme (RFC 3261 §16.3 step 2)"),
            Expect.both("unksm2", answered(400), "callhook as registrar: To of a REGISTER must be a SIP URI"),
            Expect.both("bext01", answered(420), "callhook: Proxy-Require it does not support, listed in Unsupported"
                    + " (Require is for the UAS)"),
            Expect.both("invut", forwarded(Hop.DESTINATION, 486), "unknown body type: a proxy forwards it"),
            Expect.both("regaut01", answered(404), "REGISTER: an unknown Authorization scheme is ignored; not a device"),
            Expect.both("multi01", answered(400), "callhook: Call-ID, CSeq, From, To, Max-Forwards twice"),
            new Expect("mcl01", answered(400), answered(400).thenClosed(),
                    "callhook: two Content-Lengths; TCP: the stream has lost its framing, RI closes"),
            Expect.both("bcast", dropped(), "response to no transaction of ours (never to 255.255.255.255)"),
            Expect.both("zeromf", answered(483), "callhook: Max-Forwards 0"),
            Expect.both("cparam01", answered(404), "REGISTER: not a directory device"),
            Expect.both("cparam02", answered(404), "REGISTER: not a directory device"),
            Expect.both("regescrt", answered(404), "REGISTER: not a directory device"),
            Expect.both("sdp01", forwarded(Hop.DESTINATION, 486), "Accept without SDP: for the UAS to judge"),
            // 3.4 RFC 2543
            Expect.both("inv2543", answered(400), "callhook: INVITE without Contact, which the RI's server"
                    + " transaction needs (the missing Max-Forwards alone would have been added)"));

    static final String DIRECTORY = """
            organizations:
              - id: seteratesting
                default_region: FI
                webhook:
                  url: %s
                  ca_file: %s
                  timeout: 5s
                  retry_schedule: [200ms, 1s]
                users:
                  - user_id: setera.test@seteratesting.fi
                    numbers: ["+358942721234"]
                    devices:
                      - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "sip:127.0.0.1:%d" }
            """;

    HttpsSink sink;
    ChildCallhook callhook;
    Path log;
    int proxyPort;
    int devicePort;
    RecordingSipPeer destination;
    RecordingSipPeer route;
    RecordingSipPeer upstream;

    @BeforeAll
    void start(@TempDir Path work) throws Exception {
        LocalCertificates certificates = LocalCertificates.generate();
        Path caFile = work.resolve("ca.pem");
        certificates.writeCaPem(caFile);
        sink = HttpsSink.start(certificates);
        devicePort = FreePorts.udpAndTcp();
        int upstreamPort = FreePorts.udpAndTcp();
        proxyPort = FreePorts.udpAndTcp();
        destination = RecordingSipPeer.listen(DESTINATION_HOST, 5060);
        route = RecordingSipPeer.listen(LoopbackRig.HOST, 5080); // mpart01's Route
        upstream = RecordingSipPeer.listen(LoopbackRig.HOST, upstreamPort);

        Path directory = work.resolve("directory.yaml");
        Files.writeString(directory, DIRECTORY.formatted(sink.url(), caFile, devicePort));
        Path config = work.resolve("callhook.yaml");
        Files.writeString(config, LoopbackRig.config(proxyPort, upstreamPort, directory, work.resolve("outbox.db")));
        Path hosts = work.resolve("hosts");
        Files.writeString(hosts, DESTINATION_HOST + " " + String.join(" ", RFC_HOSTS) + "\n");
        log = work.resolve("callhook.log");
        callhook = ChildCallhook.start(config, log, List.of("-Djdk.net.hosts.file=" + hosts));
    }

    @AfterAll
    void stop() throws IOException {
        if (log != null && Files.exists(log)) { // kept for reading after the run: what callhook logged of all this
            Path kept = Path.of(System.getProperty("user.dir"), "target", "failsafe-reports", "TortureMessagesIT-callhook.log");
            Files.createDirectories(kept.getParent());
            Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        for (AutoCloseable c : new AutoCloseable[] {callhook, destination, route, upstream, sink}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    @Order(1)
    void everyTortureMessageOverUdpEndsAsTheTableSays() throws Exception {
        play(false);
    }

    @Test
    @Order(2)
    void everyTortureMessageOverTcpEndsAsTheTableSays() throws Exception {
        play(true);
    }

    @Test
    @Order(3)
    void eachKindOfRefusalIsLoggedOnceWithItsCallId() throws IOException {
        String text = Files.readString(log);
        List<String> refusals = text.lines().filter(l -> l.contains(" SipProxy - ") && l.contains(" answered: "))
                .toList();
        assertThat(refusals).as("refusal lines").isNotEmpty();
        Map<String, Long> perKind = refusals.stream().collect(Collectors.groupingBy(
                TortureMessagesIT::refusalKind, Collectors.counting()));
        assertThat(perKind.values()).as("lines per kind, over both rounds: %s", perKind).allMatch(n -> n == 1);
        assertThat(refusals).anyMatch(l -> l.contains("call_id=multi01.98asdh@192.0.2.1 INVITE from 127.0.0.1:")
                && l.endsWith("answered: 400 Bad Request - Duplicate header: CSeq"));
        assertThat(text).doesNotContain("failed to handle"); // nothing reached the listener's catch-all
    }

    @Test
    @Order(4)
    void aNormalCallAfterwardsStillProducesItsWebhookEvents() throws Exception {
        assertThat(sink.posts()).as("the torture messages concern no local user").isEmpty();
        String proxy = LoopbackRig.HOST + ":" + proxyPort;
        try (SimplePhone device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, proxy);
             SimplePhone caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), proxy)) {
            PhoneCall call = caller.call("sip:+358942721234@" + proxy, "sip:+358409401234@127.0.0.1");
            assertThat(call.awaitAnswered(WAIT)).as("answered").isTrue();
            PhoneCall atDevice = device.awaitIncoming(WAIT);
            call.hangup();
            assertThat(atDevice.awaitEnded(WAIT)).as("BYE reached the device").isTrue();
            List<HttpsSink.Received> posts = sink.awaitPosts(3, Duration.ofSeconds(20));
            assertThat(Events.summary(posts)).containsExactly(
                    "setera.test@seteratesting.fi SOFT INCOMING EARLY seq=1",
                    "setera.test@seteratesting.fi SOFT INCOMING CONFIRMED seq=2",
                    "setera.test@seteratesting.fi SOFT INCOMING TERMINATED HANGUP seq=3");
            assertThat(posts).allMatch(p -> p.body().contains("\"call_id\":\"" + call.callId() + "\""));
        }
    }

    /** Sends the 49 messages one after another and checks each, then checks nothing else was forwarded. */
    private void play(boolean tcp) throws Exception {
        for (RecordingSipPeer peer : List.of(destination, route, upstream)) {
            peer.clear();
        }
        List<String> failures = new ArrayList<>();
        Set<String> forwardedCallIds = new LinkedHashSet<>();
        for (Expect e : TABLE) {
            Outcome expected = tcp ? e.tcp() : e.udp();
            byte[] message = torture(e.name());
            String callId = callIdOf(message);
            try (RawExchange x = tcp ? RawExchange.tcp(message, e.name(), proxyPort)
                    : RawExchange.udp(message, e.name(), proxyPort)) {
                String problem = check(expected, callId, x);
                if (problem != null) {
                    failures.add(e.name() + " (" + e.why() + "): expected " + expected + ", " + problem);
                }
                if (expected.forwardedTo() != null) {
                    forwardedCallIds.add(callId);
                }
            }
        }
        Thread.sleep(QUIET.toMillis());
        for (RecordingSipPeer.Received r : upstream.received()) {
            failures.add("sent upstream: " + r.startLine());
        }
        for (RecordingSipPeer peer : List.of(destination, route)) {
            for (RecordingSipPeer.Received r : peer.received()) {
                if (!forwardedCallIds.contains(r.callId())) {
                    failures.add("forwarded though it should not be: " + r.startLine() + " Call-ID " + r.callId());
                }
            }
        }
        assertThat(failures).as("%s outcomes that differ from the table; callhook's log ends with:%n%s",
                tcp ? "TCP" : "UDP", failures.isEmpty() ? "" : callhook.tail()).isEmpty();
    }

    private String check(Outcome expected, String callId, RawExchange x) throws Exception {
        if (expected.forwardedTo() != null) {
            RecordingSipPeer peer = expected.forwardedTo() == Hop.ROUTE ? route : destination;
            if (peer.await(callId, WAIT) == null) {
                return "nothing reached " + expected.forwardedTo() + "; answers " + x.finals();
            }
        }
        if (expected.finals().isEmpty()) {
            Thread.sleep(QUIET.toMillis());
            if (!x.finals().isEmpty()) {
                return "answered " + x.finals();
            }
        } else if (!x.awaitFinals(expected.finals(), WAIT)) {
            return "answered " + x.finals();
        }
        if (expected.finals().contains(420)) {
            String answer = x.finalResponse(420);
            if (!answer.contains("Unsupported: noProxiesSupportThis") || !answer.contains("norDoAnyProxiesSupportThis")) {
                return "420 without the Unsupported option tags:\n" + answer;
            }
        }
        if (expected.closes() && !x.awaitClosedByProxy(WAIT)) {
            return "the connection stayed open; answers " + x.finals();
        }
        return null;
    }

    /** "400 Bad Request - Duplicate header" of "… answered: 400 Bad Request - Duplicate header: CSeq". */
    private static String refusalKind(String line) {
        String reason = line.substring(line.indexOf(" answered: ") + " answered: ".length());
        int detail = reason.indexOf(": ");
        return detail < 0 ? reason : reason.substring(0, detail);
    }

    static byte[] torture(String name) throws IOException {
        try (InputStream in = TortureMessagesIT.class.getResourceAsStream(TORTURE + name + ".dat")) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static final Pattern CALL_ID = Pattern.compile("(?im)^(call-id|i)[ \t]*:[ \t]*(\\S+)");

    static String callIdOf(byte[] message) {
        Matcher m = CALL_ID.matcher(new String(message, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(2) : "(none)";
    }

    @Test
    @Order(0)
    void theTableHasEachOfThe49MessagesOnce() throws Exception {
        List<String> files;
        try (var listing = Files.list(Path.of(TortureMessagesIT.class.getResource(TORTURE).toURI()))) {
            files = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat"))
                    .map(n -> n.substring(0, n.length() - 4)).toList();
        }
        assertThat(files).hasSize(49);
        assertThat(TABLE).extracting(Expect::name).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(files);
    }
}
