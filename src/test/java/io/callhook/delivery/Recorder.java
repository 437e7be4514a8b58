package io.callhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Turns listener calls into lines a test can wait for, in the order they happened. */
final class Recorder implements DeliveryListener {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @Override
    public void attempted(PendingEvent e, Attempt a) {
        lines.add("attempted " + name(e) + " attempt=" + a.number() + " status=" + a.status());
    }

    @Override
    public void retrying(PendingEvent e, Instant at) {
        lines.add("retrying " + name(e));
    }

    @Override
    public void delivered(PendingEvent e, Attempt a) {
        lines.add("delivered " + name(e) + " attempt=" + a.number());
    }

    @Override
    public void dead(PendingEvent e, String reason) {
        lines.add("dead " + name(e) + " reason=" + reason);
    }

    /** Waits for the next line starting with {@code prefix}, skipping others. */
    String nextMatching(String prefix) throws InterruptedException {
        String line = poll();
        while (!line.startsWith(prefix)) {
            line = poll();
        }
        return line;
    }

    private String poll() throws InterruptedException {
        String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("nothing happened within " + WAIT);
        }
        return line;
    }

    static String name(PendingEvent e) {
        return e.organizationId() + "/" + e.callId() + "/" + e.seqNum();
    }
}
