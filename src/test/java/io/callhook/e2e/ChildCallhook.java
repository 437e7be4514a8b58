package io.callhook.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * callhook as an operator runs it: {@code java -jar target/callhook.jar run --config …} in a process
 * of its own (failsafe runs after {@code package}, so the shaded jar exists), so a test can kill it
 * with SIGKILL and start it again. Its log (stderr) is appended to one file across restarts.
 */
final class ChildCallhook implements AutoCloseable {

    static final Path JAR = Path.of(System.getProperty("user.dir"), "target", "callhook.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;

    private ChildCallhook(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts callhook and returns once it logged its startup line ("callhook <version> started: …"). */
    static ChildCallhook start(Path config, Path log) throws Exception {
        return start(config, log, List.of());
    }

    /** As {@link #start(Path, Path)}, with extra JVM options (e.g. {@code -Djdk.net.hosts.file=…}). */
    static ChildCallhook start(Path config, Path log, List<String> jvmOptions) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            fail("no " + JAR + ": run `mvn package` (or `mvn verify`) first");
        }
        long logged = Files.exists(log) ? Files.size(log) : 0;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString(), "run", "--config", config.toString()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ChildCallhook child = new ChildCallhook(p, log);
        child.awaitLog(" started: sip=", logged);
        return child;
    }

    private void awaitLog(String text, long from) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("callhook exited with " + process.exitValue() + ":\n" + tail());
            }
            if (Files.exists(log) && Files.readString(log).substring((int) from).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        fail("callhook did not log \"" + text + "\" within " + START_TIMEOUT + ":\n" + tail());
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("callhook survived SIGKILL");
        }
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        try {
            String all = Files.readString(log);
            return all.substring(Math.max(0, all.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, the graceful stop, then SIGKILL if that takes too long. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
