package io.callhook.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.fail;

/** Runs the scenarios of {@code sipp-scenarios/} with the real {@code sipp} binary, on loopback. */
final class Sipp {

    static final Path SCENARIOS = Path.of(System.getProperty("user.dir"), "sipp-scenarios");

    private final Process process;
    private final Path logFile;
    private final String name;
    private final Path outFile;

    private Sipp(String name, Process process, Path logFile, Path outFile) {
        this.name = name;
        this.outFile = outFile;
        this.process = process;
        this.logFile = logFile;
    }

    /** Fails the test, saying how to install SIPp, when the binary is missing. */
    static void requireInstalled() {
        try {
            Process p = new ProcessBuilder("sipp", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            fail("sipp is not installed: these end-to-end tests need SIPp 3.6 "
                    + "(Debian/Ubuntu: sudo apt-get install -y sip-tester). " + e.getMessage());
        }
    }

    /** A UAS scenario listening on {@code port}; returns once its socket is bound. */
    static Sipp server(String scenario, int port, int controlPort, Path traces) throws Exception {
        return server(scenario, port, controlPort, traces, scenario.replace(".xml", ""));
    }

    /** As {@link #server(String, int, int, Path)}, named for its traces, with extra SIPp arguments. */
    static Sipp server(String scenario, int port, int controlPort, Path traces, String name, String... args)
            throws Exception {
        Sipp sipp = start(scenario, name, "127.0.0.1", port, controlPort, traces, null, args);
        sipp.awaitBound(port);
        return sipp;
    }

    /** A UAS scenario listening on {@code ip:port}; returns once its socket is bound. */
    static Sipp server(String scenario, String ip, int port, int controlPort, Path traces, String... extraArgs)
            throws Exception {
        Sipp sipp = start(scenario, scenario.replace(".xml", ""), ip, port, controlPort, traces, null, extraArgs);
        sipp.awaitBound(port);
        return sipp;
    }

    /** A UAC scenario sending one call to {@code target} ({@code host:port}). */
    static Sipp client(String scenario, int port, int controlPort, Path traces, String target) throws Exception {
        return start(scenario, scenario.replace(".xml", ""), "127.0.0.1", port, controlPort, traces, target);
    }

    /** A UAC scenario on {@code ip:port} sending one call to {@code target}, with more SIPp options. */
    static Sipp client(String scenario, String ip, int port, int controlPort, Path traces, String target,
                       String... extraArgs) throws Exception {
        return start(scenario, scenario.replace(".xml", ""), ip, port, controlPort, traces, target, extraArgs);
    }

    /** As {@link #client(String, int, int, Path, String)}, named for its traces, with extra SIPp arguments. */
    static Sipp client(String scenario, int port, int controlPort, Path traces, String name, String target,
                       String... args) throws Exception {
        return start(scenario, name, "127.0.0.1", port, controlPort, traces, target, args);
    }

    private static Sipp start(String scenario, String name, String ip, int port, int controlPort, Path traces,
                              String target, String... args) throws IOException {
        Path log = traces.resolve(name + ".logs.log");
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", SCENARIOS.resolve(scenario).toString(),
                "-i", ip, "-p", String.valueOf(port), "-cp", String.valueOf(controlPort),
                "-mp", String.valueOf(controlPort + 2), "-t", "u1", "-nd", "-nostdin",
                "-trace_err", "-error_file", traces.resolve(name + ".errors.log").toString(),
                "-trace_logs", "-log_file", log.toString()));
        boolean load = List.of(args).contains("-m");
        // -timeout bounds the whole SIPp run; a load run gets longer and no message trace, which
        // is synchronous I/O that would slow SIPp down (see the JAIN-SIP/SIPp notes, §4.3)
        cmd.addAll(List.of("-timeout", load ? "180s" : "30s", "-timeout_error"));
        if (!load) {
            cmd.addAll(List.of("-trace_msg", "-message_file", traces.resolve(name + ".messages.log").toString()));
        }
        if (!List.of(args).contains("-m")) {
            cmd.addAll(List.of("-m", "1"));
        }
        cmd.addAll(List.of(args));
        if (target != null) {
            cmd.add(target);
        }
        Path out = traces.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Sipp(name, p, log, out);
    }

    private void awaitBound(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(name + " exited early with " + process.exitValue() + ": " + lastLines());
            }
            if (udpPortBound(port)) {
                return;
            }
            Thread.sleep(50);
        }
        fail(name + " did not bind port " + port + " within 10 s");
    }

    /**
     * Whether a UDP socket is bound to {@code port}, read from /proc/net/udp (binding a probe socket
     * instead would race SIPp for the port).
     */
    private static boolean udpPortBound(int port) throws IOException {
        String hexPort = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path p = Path.of(table);
            if (Files.exists(p) && Files.readAllLines(p).stream().anyMatch(l -> l.contains(hexPort))) {
                return true;
            }
        }
        return false;
    }

    /** Waits for the one call and fails the test, with SIPp's own words, unless it went as scripted. */
    void assertSucceeded(Duration timeout, Path traces) throws Exception {
        int exit = await(timeout);
        if (exit != 0) {
            fail(name + " exited " + exit + " (traces in " + traces + "): " + lastLines());
        }
    }

    /** Waits for SIPp to finish its one call; its exit code (0 = the call went as scripted). */
    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail(name + " still running after " + timeout);
        }
        return process.exitValue();
    }

    /** The end of what SIPp printed, for failure messages. */
    String lastLines() {
        try {
            Path errors = outFile.resolveSibling(name + ".errors.log");
            String all = Files.readString(outFile)
                    + (Files.exists(errors) ? "\nerrors.log:\n" + Files.readString(errors) : "");
            return all.substring(Math.max(0, all.length() - 1500));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    void kill() {
        process.destroyForcibly();
    }

    /** Every message SIPp sent or received, as its {@code -trace_msg} file has them (empty when none). */
    String messages() throws IOException {
        Path messages = outFile.resolveSibling(name + ".messages.log");
        return Files.exists(messages) ? Files.readString(messages) : "";
    }

    /** The {@code key=value} pairs of the scenario's {@code <log>} line. */
    Map<String, String> logged() throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(logFile)) {
            return out;
        }
        // a value runs to the next " key=" or the end of the line (a Reason value has spaces)
        Matcher m = Pattern.compile("(\\w+)=(.*?)(?= \\w+=|$)", Pattern.MULTILINE).matcher(Files.readString(logFile));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
