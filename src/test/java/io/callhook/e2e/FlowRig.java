package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * callhook with the call-flow directory ({@code src/test/resources/flows/directory.yaml}): every
 * device and the upstream on its own free port, and SIPp processes started against it.
 */
final class FlowRig implements AutoCloseable {

    static final String ALICE = "+358942721001";
    static final String BOB = "+358942721002";
    static final String CAROL = "+358942721003";
    static final String DAVE = "+358942722001";
    static final String IVR = "+358942720000";
    static final String HUNT_GROUP = "+358942720100";
    static final String EXTERNAL = "+358409401234";

    final LoopbackRig rig;
    final Map<String, Integer> ports = new TreeMap<>();
    final Path traces;
    private final List<Sipp> started = new ArrayList<>();

    private FlowRig(LoopbackRig rig, Map<String, Integer> ports, Path traces) {
        this.rig = rig;
        this.ports.putAll(ports);
        this.traces = traces;
    }

    static FlowRig start(Path work, UnaryOperator<LoopbackRig.Builder> tweak) throws Exception {
        Map<String, Integer> ports = new TreeMap<>();
        for (String device : List.of("ALICE_SOFT", "ALICE_DESK", "BOB", "CAROL", "DAVE", "UPSTREAM")) {
            ports.put(device, FreePorts.udpAndTcp());
        }
        LoopbackRig.Builder builder = LoopbackRig.builder(work).directoryTemplate(template())
                .upstreamPort(ports.get("UPSTREAM"));
        ports.forEach((name, port) -> builder.set(name, String.valueOf(port)));
        Path traces = Files.createDirectories(work.resolve("sipp"));
        return new FlowRig(tweak.apply(builder).start(), ports, traces);
    }

    static FlowRig start(Path work) throws Exception {
        return start(work, b -> b);
    }

    private static String template() throws IOException {
        try (InputStream in = FlowRig.class.getResourceAsStream("/flows/directory.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A SIPp UAS on the named device's port (ALICE_SOFT, BOB, UPSTREAM …). */
    Sipp device(String portName, String scenario, String... args) throws Exception {
        Sipp s = Sipp.server(scenario, ports.get(portName), FreePorts.udpAndTcp(), traces, portName.toLowerCase(), args);
        started.add(s);
        return s;
    }

    /** A SIPp UAC calling {@code number} through the proxy from {@code from} (user@host). */
    Sipp call(String scenario, String from, String number, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-s", number, "-key", "from", from));
        all.addAll(List.of(args));
        Sipp s = Sipp.client(scenario, FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), traces, "caller" + started.size(),
                rig.proxy(), all.toArray(String[]::new));
        started.add(s);
        return s;
    }

    /** Waits for every SIPp started so far to finish, asserting each exited 0. */
    void awaitAllSipp(Duration timeout) throws Exception {
        for (Sipp s : started) {
            s.assertSucceeded(timeout, traces);
        }
    }

    List<HttpsSink.Received> posts(int n) {
        return rig.sink().awaitPosts(n, Duration.ofSeconds(10));
    }

    /** After the expected POSTs arrived: waits a little and checks no further one does. */
    List<HttpsSink.Received> exactlyPosts(int n) throws InterruptedException {
        List<HttpsSink.Received> posts = posts(n);
        Thread.sleep(700);
        return rig.sink().posts();
    }

    @Override
    public void close() {
        for (Sipp s : started) {
            s.kill();
        }
        rig.close();
    }
}
