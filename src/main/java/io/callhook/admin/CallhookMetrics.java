package io.callhook.admin;

import io.callhook.delivery.Attempt;
import io.callhook.delivery.DeliveryListener;
import io.callhook.delivery.PendingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * callhook's meters in one Prometheus registry, and the {@link DeliveryListener} that feeds the
 * delivery ones. Names as scraped (Prometheus naming, {@code org} = organization id):
 * <ul>
 *   <li>{@code callhook_events_emitted_total{org,state}} — events handed to delivery</li>
 *   <li>{@code callhook_events_delivered_total{org}}, {@code callhook_events_retried_total{org}}
 *       (attempts after the first), {@code callhook_events_dead_total{org}}</li>
 *   <li>{@code callhook_outbox_pruned_total} — delivered events deleted by outbox retention</li>
 *   <li>{@code callhook_delivery_latency_seconds{org,outcome}} — histogram of one webhook attempt,
 *       request started → response or failure</li>
 *   <li>gauges registered by the app: legs by state, calls, SIP transactions, pending events …</li>
 *   <li>JVM: memory, GC, threads, classes, CPU, uptime</li>
 * </ul>
 *
 * <p>Threading: {@link #emitted} runs on SIP threads inside a call's lane — a map lookup and an
 * adder increment, nothing more; the listener methods run on the dispatcher thread; {@link #scrape}
 * on the admin thread.
 */
public final class CallhookMetrics implements DeliveryListener, AutoCloseable {

    /** Histogram buckets of {@code callhook_delivery_latency_seconds}. */
    static final Duration[] BUCKETS = java.util.stream.LongStream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000,
            2500, 5000, 10000, 30000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> emitted = new ConcurrentHashMap<>();
    private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
    private final Map<String, Counter> retried = new ConcurrentHashMap<>();
    private final Map<String, Counter> dead = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter pruned = Counter.builder("callhook.outbox.pruned")
            .description("delivered events deleted from the outbox after outbox.keep_delivered").register(registry);

    public CallhookMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** An event of {@code org} in {@code state} was handed to delivery. */
    public void emitted(String org, String state) {
        emitted.computeIfAbsent(org + '\u0000' + state, k -> Counter.builder("callhook.events.emitted")
                .description("events handed to delivery").tag("org", org).tag("state", state)
                .register(registry)).increment();
    }

    /** The outbox deleted {@code events} delivered events (store writer thread). */
    public void pruned(long events) {
        pruned.increment(events);
    }

    /** A gauge read at each scrape. */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
    }

    @Override
    public void attempted(PendingEvent event, Attempt attempt) {
        String org = event.organizationId();
        if (attempt.number() > 1) {
            counter(retried, "callhook.events.retried", "delivery attempts after the first", org).increment();
        }
        String outcome = attempt.isSuccess() ? "success" : "failure";
        latency.computeIfAbsent(org + '\u0000' + outcome, k -> Timer.builder("callhook.delivery.latency")
                .description("one webhook attempt: request started to response (or failure)")
                .tag("org", org).tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)).record(attempt.duration());
    }

    @Override
    public void delivered(PendingEvent event, Attempt attempt) {
        counter(delivered, "callhook.events.delivered", "events the webhook took (2xx)", event.organizationId())
                .increment();
    }

    @Override
    public void dead(PendingEvent event, String reason) {
        counter(dead, "callhook.events.dead", "events given up on (max_age reached)", event.organizationId())
                .increment();
    }

    private Counter counter(Map<String, Counter> cache, String name, String description, String org) {
        return cache.computeIfAbsent(org, k -> Counter.builder(name).description(description).tag("org", org)
                .register(registry));
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** For tests and for gauges the app adds. */
    PrometheusMeterRegistry registry() {
        return registry;
    }
}
