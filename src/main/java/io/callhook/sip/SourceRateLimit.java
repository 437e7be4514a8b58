package io.callhook.sip;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address for initial requests ({@code sip.limits.per_source_rate},
 * {@code per_source_burst}). A source over its rate is answered 503 once per {@code answerEvery}
 * (the Retry-After it is told), and its other requests meanwhile are dropped unanswered: a flood
 * costs the proxy a map lookup per packet, and the flooder gets no amplification.
 *
 * <p>Bounded: at most {@code maxSources} buckets; sources beyond that share one overflow bucket
 * (so a flood from many spoofed addresses is limited as one source), and {@link #sweep()} forgets
 * buckets that have filled up again (the source went quiet).
 *
 * <p>Threading: {@link #check} on SIP threads (one short lock per bucket), {@link #sweep} on a
 * timer thread. Time comes from the injected nanosecond ticker.
 */
final class SourceRateLimit {

    enum Verdict { PASS, REFUSE, DROP }

    private final double perNano;
    private final int burst;
    private final long answerEveryNanos;
    private final int maxSources;
    private final LongSupplier nanos;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;

    SourceRateLimit(int perSecond, int burst, Duration answerEvery, int maxSources, LongSupplier nanos) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive: " + perSecond + "/" + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.answerEveryNanos = answerEvery.toNanos();
        this.maxSources = maxSources;
        this.nanos = nanos;
        this.overflow = new Bucket(nanos.getAsLong());
    }

    Verdict check(InetAddress source) {
        Bucket bucket = buckets.get(source);
        if (bucket == null) {
            bucket = buckets.size() < maxSources ? buckets.computeIfAbsent(source, s -> new Bucket(nanos.getAsLong()))
                    : overflow;
        }
        return bucket.take(nanos.getAsLong());
    }

    /** Forgets sources whose bucket is full again: they have been quiet for burst / rate. */
    void sweep() {
        long now = nanos.getAsLong();
        buckets.values().removeIf(b -> b.isFull(now));
    }

    int sources() {
        return buckets.size();
    }

    private final class Bucket {
        private double tokens = burst;
        private long refilledAt;
        private long answeredAt;
        private boolean answered;

        Bucket(long now) {
            this.refilledAt = now;
        }

        synchronized Verdict take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Verdict.PASS;
            }
            if (!answered || now - answeredAt >= answerEveryNanos) {
                answered = true;
                answeredAt = now;
                return Verdict.REFUSE;
            }
            return Verdict.DROP;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * perNano);
                refilledAt = now;
            }
        }
    }
}
