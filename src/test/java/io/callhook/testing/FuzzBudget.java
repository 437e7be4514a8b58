package io.callhook.testing;

import java.time.Duration;

/**
 * The time one fuzz input may take: far beyond what a real file or header needs (milliseconds), so
 * an input over it is a finding (something super-linear), not noise.
 *
 * <p>Why not {@code @Timeout}: jazzer-junit 0.26 passes it to libFuzzer as the per-input timeout,
 * but JUnit also applies it to the whole three-minute fuzzing run and then fails it (Jazzer issue
 * #930, fixed in later releases). An input that never returns still shows: the run does not end.
 */
public final class FuzzBudget {

    public static final Duration PER_INPUT = Duration.ofSeconds(5);

    private FuzzBudget() {}

    /** Throws when more than {@link #PER_INPUT} has passed since {@code startNanos} ({@link System#nanoTime()}). */
    public static void check(long startNanos, String what) {
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed > PER_INPUT.toNanos()) {
            throw new AssertionError(what + " took " + elapsed / 1_000_000 + " ms, more than " + PER_INPUT.toMillis() + " ms");
        }
    }
}
