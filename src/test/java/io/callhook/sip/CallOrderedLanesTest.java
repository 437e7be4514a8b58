package io.callhook.sip;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-call lanes in front of the SIP workers, with real worker threads. */
class CallOrderedLanesTest {

    static final String INVITE = "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n";

    static int lane(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return CallOrderedLanes.laneOf(bytes, bytes.length);
    }

    @Test
    void theLaneComesFromTheCallIdWhateverItsSpelling() {
        int full = lane(INVITE + "Call-ID: abc@host\r\nCSeq: 1 INVITE\r\n\r\n");
        assertThat(lane(INVITE + "call-id:abc@host  \r\n\r\n")).isEqualTo(full);
        assertThat(lane(INVITE + "i : abc@host\r\n\r\n")).isEqualTo(full);
        assertThat(lane("SIP/2.0 180 Ringing\r\nCALL-ID:\tabc@host\r\n\r\n")).isEqualTo(full);
        assertThat(lane(INVITE + "Call-ID: abd@host\r\n\r\n")).as("another call").isNotEqualTo(full);
        assertThat(lane(INVITE + "\r\nCall-ID: in-the-body\r\n")).as("none in the headers").isZero();
        assertThat(lane(INVITE + "Identity: x\r\nInfo: y\r\n\r\n")).as("headers that only start with i").isZero();
        assertThat(lane("")).isZero();
    }

    @Test
    void aCallsNextMessageWaitsUntilTheWorkerWithItsPreviousOneComesBack() throws Exception {
        CallOrderedLanes<String> lanes = new CallOrderedLanes<>(100);
        lanes.offer("180", 7);
        lanes.offer("200", 7);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            String first = workers.submit(() -> lanes.take()).get(5, TimeUnit.SECONDS); // worker 1 keeps lane 7
            assertThat(first).isEqualTo("180");
            // the other worker finds nothing it may take while the 180 is being handled
            String meanwhile = workers.submit(() -> lanes.poll(300, TimeUnit.MILLISECONDS)).get(5, TimeUnit.SECONDS);
            if (meanwhile != null) { // the pool gave the task to worker 1, which released its lane: fine, but say so
                assertThat(meanwhile).isEqualTo("200");
                return;
            }
            assertThat(lanes.size()).isEqualTo(1);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void withDedicatedWorkersTheSecondOnlyGetsTheCallOnceTheFirstReturns() throws Exception {
        CallOrderedLanes<String> lanes = new CallOrderedLanes<>(100);
        lanes.offer("180", 7);
        lanes.offer("200", 7);
        lanes.offer("INVITE other call", 9);
        ExecutorService one = Executors.newSingleThreadExecutor();
        ExecutorService two = Executors.newSingleThreadExecutor();
        try {
            assertThat(one.submit(() -> lanes.take()).get(5, TimeUnit.SECONDS)).isEqualTo("180");
            assertThat(two.submit(() -> lanes.take()).get(5, TimeUnit.SECONDS)).as("another call goes on")
                    .isEqualTo("INVITE other call");
            // worker two comes back: the 200 is still held back by worker one's 180
            CompletableFuture<String> twoWaits = CompletableFuture.supplyAsync(() -> {
                try {
                    return lanes.poll(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, two);
            Thread.sleep(300);
            assertThat(twoWaits).isNotDone();
            // worker one finishes the 180 and asks for more: now somebody gets the 200
            String next = one.submit(() -> lanes.poll(5, TimeUnit.SECONDS)).get(5, TimeUnit.SECONDS);
            String other = twoWaits.get(5, TimeUnit.SECONDS);
            assertThat(next == null ? other : next).isEqualTo("200");
            assertThat(next == null || other == null).as("the 200 is handed out once").isTrue();
        } finally {
            one.shutdownNow();
            two.shutdownNow();
        }
    }

    @Test
    void pastCapacityOffersAreRefused() throws Exception {
        CallOrderedLanes<String> lanes = new CallOrderedLanes<>(2);
        assertThat(lanes.offer("a", 1)).isTrue();
        assertThat(lanes.offer("b", 2)).isTrue();
        assertThat(lanes.offer("c", 3)).isFalse();
        assertThat(lanes.size()).isEqualTo(2);
        assertThat(lanes.poll(1, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(lanes.offer("c", 3)).isTrue();
    }
}
