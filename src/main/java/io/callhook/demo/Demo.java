package io.callhook.demo;

import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code demo} command: callhook on free loopback ports with a built-in HTTPS sink, the two
 * documented examples played by built-in phones, and the POSTs the sink received printed.
 */
public final class Demo {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String USER_NUMBER = "+358942721234";
    static final String EXTERNAL_NUMBER = "+358409401234";

    private final PrintWriter out;

    public Demo(PrintWriter out) {
        this.out = out;
    }

    /** Runs both examples; true when the sink got the six expected POSTs. */
    public boolean run() throws Exception {
        Path work = Files.createTempDirectory("callhook-demo");
        int devicePort = FreePorts.udpAndTcp();
        int upstreamPort = FreePorts.udpAndTcp();
        try (LoopbackRig rig = LoopbackRig.start(work, devicePort, upstreamPort);
             SimplePhone device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, rig.proxy());
             SimplePhone farEnd = SimplePhone.start("trunk", LoopbackRig.HOST, upstreamPort, rig.proxy());
             SimplePhone caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy())) {
            out.printf("callhook listening on %s; webhook sink at %s%n", rig.callhook().sipListening(), rig.sink().url());

            out.printf("%n1. Incoming: %s calls the user's Softphone (%s), the user answers, the caller hangs up%n",
                    EXTERNAL_NUMBER, USER_NUMBER);
            PhoneCall incoming = caller.call("sip:" + USER_NUMBER + "@" + rig.proxy(), "sip:" + EXTERNAL_NUMBER + "@127.0.0.1");
            require(incoming.awaitAnswered(WAIT), "the incoming call was not answered");
            PhoneCall atDevice = device.awaitIncoming(WAIT);
            Thread.sleep(300); // talk time
            incoming.hangup();
            require(atDevice != null && atDevice.awaitEnded(WAIT), "the hang-up did not reach the device");

            out.printf("2. Outgoing: the user's Softphone calls %s, the far end answers and hangs up%n", EXTERNAL_NUMBER);
            PhoneCall outgoing = device.call("sip:" + EXTERNAL_NUMBER + "@" + rig.proxy(), "sip:setera.test@seteratesting.fi");
            require(outgoing.awaitAnswered(WAIT), "the outgoing call was not answered");
            PhoneCall atFarEnd = farEnd.awaitIncoming(WAIT);
            require(atFarEnd != null && atFarEnd.awaitAnswered(WAIT), "the far end did not answer");
            Thread.sleep(300);
            atFarEnd.hangup();
            require(outgoing.awaitEnded(WAIT), "the far end's hang-up did not reach the device");

            List<HttpsSink.Received> posts = rig.sink().awaitPosts(6, WAIT);
            out.printf("%nThe webhook received %d POSTs (shown per call, in seq_num order):%n", posts.size());
            int n = 0;
            for (HttpsSink.Received post : groupedByCall(posts, incoming.callId(), outgoing.callId())) {
                out.printf("%nPOST #%d %s  (webhook-id: %s)%n%s%n", ++n, post.path(), post.header("webhook-id"), post.body());
            }
            boolean ok = posts.size() == 6;
            out.flush();
            out.printf("%n%s%n", ok ? "demo OK: 3 + 3 events, as documented"
                    : "demo FAILED: expected 6 POSTs, got " + posts.size());
            return ok;
        } finally {
            deleteQuietly(work);
        }
    }

    /** The POSTs of the first call, then the second's; each call's already arrive in seq_num order. */
    private static List<HttpsSink.Received> groupedByCall(List<HttpsSink.Received> posts, String... callIds) {
        List<HttpsSink.Received> ordered = new java.util.ArrayList<>();
        for (String callId : callIds) {
            posts.stream().filter(p -> p.body().contains("\"call_id\":\"" + callId + "\"")).forEach(ordered::add);
        }
        posts.stream().filter(p -> !ordered.contains(p)).forEach(ordered::add);
        return ordered;
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory left behind is harmless
        }
    }
}
