package io.callhook.sip;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.DatagramPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watchdog with real threads: workers that take from a real {@link BoundedDatagramQueue} (one
 * of them then dies of an Error, as the RI's workers do), and a thread that stays inside a listener
 * call. Time for "stuck" comes from a ticker the test moves.
 */
class StackWatchdogTest {

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final ListenerCalls calls = new ListenerCalls(nanos::get);
    final ListAppender<ILoggingEvent> events = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(StackWatchdog.class);
    final List<Thread> threads = new ArrayList<>();
    BoundedDatagramQueue queue;

    @BeforeEach
    void capture() {
        events.start();
        logger.addAppender(events);
        IntervalLog drops = new IntervalLog(LoggerFactory.getLogger("test.drops"), Duration.ofSeconds(60));
        queue = new BoundedDatagramQueue(100, "udp:127.0.0.1:5060", drops, System::currentTimeMillis);
    }

    @AfterEach
    void release() throws InterruptedException {
        logger.detachAppender(events);
        for (Thread t : threads) {
            t.interrupt();
            t.join(5000);
        }
    }

    List<String> lines() {
        return events.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    /** A worker as the RI runs one: take, handle, repeat; a datagram saying "die" throws an Error out of it. */
    Thread worker(String name) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    DatagramQueuedMessageDispatch d = queue.take();
                    if (new String(d.packet.getData(), 0, d.packet.getLength()).equals("die")) {
                        throw new StackOverflowError("simulated: what kills an RI worker");
                    }
                }
            } catch (InterruptedException e) {
                // test over
            }
        }, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> { }); // the RI's workers die as silently
        t.start();
        threads.add(t);
        return t;
    }

    void offer(String text) {
        byte[] buffer = new byte[4096];
        byte[] bytes = text.getBytes();
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        queue.offer(new DatagramQueuedMessageDispatch(new DatagramPacket(buffer, bytes.length), System.currentTimeMillis()));
    }

    void awaitWorkers(int n) throws InterruptedException {
        offer("hello");
        offer("hello");
        offer("hello");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.workers().size() < n && System.nanoTime() < deadline) {
            offer("hello");
            Thread.sleep(10);
        }
        assertThat(queue.workers()).hasSize(n);
    }

    @Test
    void allWorkersAliveAndNoLongCallIsHealthy() throws Exception {
        worker("w0");
        worker("w1");
        awaitWorkers(2);
        StackWatchdog watchdog = new StackWatchdog(calls, List.of(queue), 2, Duration.ofSeconds(5));

        assertThat(watchdog.check()).isEmpty();
        assertThat(watchdog.problem()).isEmpty();
        assertThat(lines()).isEmpty();
    }

    @Test
    void aWorkerKilledByAnErrorMakesItUnhealthyLoggedOnce() throws Exception {
        worker("w0");
        Thread doomed = worker("w1"); // or w0: whichever takes the fatal datagram
        awaitWorkers(2);
        StackWatchdog watchdog = new StackWatchdog(calls, List.of(queue), 2, Duration.ofSeconds(5));
        assertThat(watchdog.check()).isEmpty();

        offer("die"); // one of the two takes it and dies
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (doomed.isAlive() && threads.get(0).isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        watchdog.check();
        watchdog.check();

        assertThat(watchdog.problem()).hasValue(
                "UDP worker threads alive on udp:127.0.0.1:5060: 1 of 2 (a thread died; restart callhook)");
        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).startsWith("ERROR SIP stack unhealthy (/health answers 503): UDP worker threads");
    }

    @Test
    void aListenerCallRunningTooLongIsUnhealthyUntilItReturns() throws Exception {
        StackWatchdog watchdog = new StackWatchdog(calls, List.of(), 4, Duration.ofSeconds(5));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = new Thread(() -> {
            ListenerCalls.Slot slot = calls.enter("an event");
            try {
                inside.countDown();
                release.await();
            } catch (InterruptedException ignored) {
                // test over
            } finally {
                calls.exit(slot);
            }
        }, "sip-worker-stuck");
        stuck.start();
        threads.add(stuck);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(watchdog.check()).as("4 s is not stuck yet").isEmpty();

        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(watchdog.check()).hasValue(
                "a SIP listener call (String) has been running for 7s on thread sip-worker-stuck");
        watchdog.check();

        release.countDown();
        stuck.join(5000);
        assertThat(watchdog.check()).isEmpty();

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).startsWith("ERROR SIP stack unhealthy (/health answers 503): a SIP listener call")
                .contains("its stack: ").contains("CountDownLatch.await");
        assertThat(lines().get(1)).startsWith("INFO SIP stack healthy again (was: a SIP listener call");
    }

    @Test
    void shortCallsOnManyThreadsAreNeverStuckAndDeadThreadsAreForgotten() throws Exception {
        StackWatchdog watchdog = new StackWatchdog(calls, List.of(), 4, Duration.ofSeconds(5));
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> {
                for (int k = 0; k < 1000; k++) {
                    calls.exit(calls.enter("call"));
                }
            });
            t.start();
            t.join();
        }
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(watchdog.check()).isEmpty();
        assertThat(calls.threadsSeen()).isZero();
    }

    @Test
    void theQueueDropsWhatFilledTheReceiveBufferAndKeepsOnlyTheBytesOfTheRest() throws InterruptedException {
        byte[] full = new byte[4096];
        queue.offer(new DatagramQueuedMessageDispatch(new DatagramPacket(full, full.length), 0));
        byte[] small = new byte[4096];
        queue.offer(new DatagramQueuedMessageDispatch(new DatagramPacket(small, 300), 0));

        assertThat(queue).hasSize(1);
        assertThat(queue.poll(1, java.util.concurrent.TimeUnit.SECONDS).packet.getData()).hasSize(300);
        assertThat(queue.drops().total("max_message_size")).isEqualTo(1);
    }

    @Test
    void pastItsCapacityTheQueueDropsAndCountsThem() {
        for (int i = 0; i < 150; i++) {
            offer("x");
        }
        assertThat(queue).hasSize(100);
        assertThat(queue.drops().total("udp_queue")).isEqualTo(50);
    }
}
