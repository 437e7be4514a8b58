package io.callhook.directory;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.callhook.config.CallhookConfig;
import io.callhook.config.ConfigProblem;
import io.callhook.config.SipUri;
import io.callhook.config.YamlDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A {@link Directory} that asks a provisioning system over HTTP(S) (JDK {@link HttpClient}, async)
 * and keeps the answers in a Caffeine cache with {@code refreshAfterWrite}, so the SIP path is not
 * held up by the network:
 *
 * <ul>
 *   <li><b>Hit</b>: answered from memory. An answer older than {@code refresh_after} is fetched again
 *       in the background on its next use; the old one is returned meanwhile.</li>
 *   <li><b>Miss</b>: the fetch starts and the calling (SIP) thread waits for it at most
 *       {@code miss_wait} (default 100 ms). Past that, the number or address counts as <em>unknown
 *       for this request</em> (a call to it goes upstream, a caller is external); the fetch goes on
 *       and the next request finds the answer.</li>
 *   <li><b>Source failing</b> (connection refused, timeout, non-2xx other than 404, a malformed
 *       body): a cached answer stays in use, and is tried again one {@code refresh_after} later; a
 *       miss counts as unknown and is not cached, so the next request asks again. The first failure
 *       and the recovery are logged once each.</li>
 *   <li><b>404</b> means "not ours": cached like any answer, so external numbers cost one fetch per
 *       {@code refresh_after}.</li>
 * </ul>
 *
 * <p>The wire format is the directory file's own schema, as JSON: each answer is a document
 * {@code {"organizations":[{ "id", "default_region", "webhook", "privacy", "users":[…],
 * "function_numbers":[…] }]}} holding the organization and the users / function numbers asked for,
 * read and validated by {@link DirectoryLoader} (a problem makes the answer a failure, logged with
 * its {@code url:line: key}). Lookups:
 * {@code GET {url}/numbers/{e164}} (user or function number), {@code GET {url}/devices?uri={aor}},
 * {@code GET {url}/devices?auth_user={user}&realm={realm}}, {@code GET {url}/users/{user_id}},
 * {@code GET {url}/organizations/{id}}. The organizations and users in any answer are also cached
 * under their own keys, so the event path (which looks the organization up) does not wait.
 *
 * <p>Thread-safe. Numbers are asked for only in E.164, URIs only when they parse as SIP URIs.
 */
public final class HttpDirectory implements Directory {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDirectory.class);

    private enum Kind { NUMBER, DEVICE_URI, AUTH_USER, USER, ORGANIZATION }

    private record Query(Kind kind, String key, String extra) {}

    private final URI base;
    private final HttpClient client;
    private final Duration timeout;
    private final Duration missWait;
    private final Map<String, String> headers;
    private final List<String> regions;
    private final AsyncLoadingCache<Query, Optional<StaticDirectory>> cache;
    private final AtomicBoolean failing = new AtomicBoolean();

    /**
     * @param client  carries the TLS settings ({@link HttpClients#forDirectory})
     * @param ticker  the cache's clock (tests pass a fake one)
     * @param executor runs refreshes and completions
     */
    public HttpDirectory(CallhookConfig.HttpDirectory settings, int maxEntries, HttpClient client, Ticker ticker,
                         Executor executor) {
        String url = settings.url().toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.client = client;
        this.timeout = settings.timeout();
        this.missWait = settings.missWait();
        this.headers = settings.headers();
        this.regions = settings.regions();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .refreshAfterWrite(settings.refreshAfter())
                .ticker(ticker)
                .executor(executor)
                .buildAsync(new Loader());
    }

    /** With a client of its own and the system ticker. */
    public static HttpDirectory start(CallhookConfig.HttpDirectory settings, int maxEntries) {
        return new HttpDirectory(settings, maxEntries, HttpClients.forDirectory(settings), Ticker.systemTicker(),
                java.util.concurrent.ForkJoinPool.commonPool());
    }

    /** The regions configured for this source. */
    List<String> regions() {
        return regions;
    }

    @Override
    public Optional<Organization> organization(String organizationId) {
        return organizationId == null ? Optional.empty()
                : answer(new Query(Kind.ORGANIZATION, organizationId, null), d -> d.organization(organizationId));
    }

    @Override
    public Optional<User> user(String userId) {
        return userId == null ? Optional.empty()
                : answer(new Query(Kind.USER, userId, null), d -> d.user(userId));
    }

    @Override
    public Optional<User> userByNumber(String number) {
        return isE164(number) ? answer(new Query(Kind.NUMBER, number, null), d -> d.userByNumber(number))
                : Optional.empty();
    }

    @Override
    public Optional<FunctionNumber> functionNumber(String number) {
        return isE164(number) ? answer(new Query(Kind.NUMBER, number, null), d -> d.functionNumber(number))
                : Optional.empty();
    }

    @Override
    public Optional<DeviceOwner> deviceByUri(String sipUri) {
        Optional<SipUri> uri = SipUri.parse(sipUri).filter(u -> u.user() != null);
        return uri.isEmpty() ? Optional.empty()
                : answer(new Query(Kind.DEVICE_URI, uri.get().toString(), null), d -> d.deviceByUri(sipUri));
    }

    @Override
    public Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser) {
        return realm == null || authUser == null ? Optional.empty()
                : answer(new Query(Kind.AUTH_USER, authUser, realm), d -> d.deviceByAuthUser(realm, authUser));
    }

    @Override
    public Optional<Optional<DeviceOwner>> deviceByUriIfReady(String sipUri) {
        Optional<SipUri> uri = SipUri.parse(sipUri).filter(u -> u.user() != null);
        return uri.isEmpty() ? Optional.of(Optional.empty())
                : ready(new Query(Kind.DEVICE_URI, uri.get().toString(), null), d -> d.deviceByUri(sipUri));
    }

    @Override
    public Optional<Optional<DeviceOwner>> deviceByAuthUserIfReady(String realm, String authUser) {
        return realm == null || authUser == null ? Optional.of(Optional.empty())
                : ready(new Query(Kind.AUTH_USER, authUser, realm), d -> d.deviceByAuthUser(realm, authUser));
    }

    @Override
    public String normalize(String rawNumber) {
        return StaticDirectory.normalize(rawNumber, regions);
    }

    /** True while the last fetch failed. */
    public boolean failing() {
        return failing.get();
    }

    private <T> Optional<T> answer(Query query, Function<StaticDirectory, Optional<T>> extract) {
        CompletableFuture<Optional<StaticDirectory>> future = cache.get(query);
        Optional<StaticDirectory> fragment;
        try {
            fragment = future.isDone() ? future.join() : future.get(missWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.info("directory lookup {} {} not answered within miss_wait {} ms: unknown for this request",
                    query.kind(), query.key(), missWait.toMillis());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | RuntimeException e) {
            return Optional.empty();
        }
        if (fragment == null) {
            cache.asMap().remove(query, future); // a failed miss: Caffeine drops it too, maybe a moment later
            return Optional.empty();
        }
        return fragment.flatMap(extract);
    }

    /** The answer if it is at hand; else empty, and the fetch is started (or goes on) without waiting. */
    private <T> Optional<Optional<T>> ready(Query query, Function<StaticDirectory, Optional<T>> extract) {
        CompletableFuture<Optional<StaticDirectory>> future = cache.get(query);
        if (!future.isDone()) {
            return Optional.empty();
        }
        Optional<StaticDirectory> fragment = future.isCompletedExceptionally() ? null : future.join();
        if (fragment == null) {
            cache.asMap().remove(query, future);
            return Optional.empty();
        }
        return Optional.of(fragment.flatMap(extract));
    }

    /** Loads misses (a failure is not cached) and reloads stale answers (a failure keeps the old one). */
    private final class Loader implements AsyncCacheLoader<Query, Optional<StaticDirectory>> {
        @Override
        public CompletableFuture<Optional<StaticDirectory>> asyncLoad(Query query, Executor executor) {
            return fetch(query).exceptionally(e -> {
                failed(query, e);
                return null; // not cached: the next lookup asks again
            });
        }

        @Override
        public CompletableFuture<Optional<StaticDirectory>> asyncReload(Query query, Optional<StaticDirectory> old,
                                                                        Executor executor) {
            return fetch(query).exceptionally(e -> {
                failed(query, e);
                return old; // keep serving what we had
            });
        }
    }

    private CompletableFuture<Optional<StaticDirectory>> fetch(Query query) {
        URI uri = uriOf(query);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
        headers.forEach(request::header);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> {
                    Optional<StaticDirectory> answer = read(uri, response);
                    if (failing.compareAndSet(true, false)) {
                        LOG.info("directory source answers again: {}", base);
                    }
                    answer.ifPresent(this::prime);
                    return answer;
                });
    }

    private static Optional<StaticDirectory> read(URI uri, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw new SourceFailure("HTTP " + status + " from " + uri);
        }
        YamlDocument doc = YamlDocument.parse(uri.toString(), response.body());
        DirectoryData data = DirectoryLoader.read(doc);
        if (doc.hasProblems()) {
            List<ConfigProblem> problems = doc.problems();
            throw new SourceFailure("malformed answer from " + uri + ": " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        try {
            return Optional.of(new StaticDirectory(data));
        } catch (IllegalArgumentException e) {
            throw new SourceFailure("malformed answer from " + uri + ": " + e.getMessage());
        }
    }

    /** Caches an answer's organizations and users under their own keys too (not overwriting newer ones). */
    private void prime(StaticDirectory fragment) {
        CompletableFuture<Optional<StaticDirectory>> done = CompletableFuture.completedFuture(Optional.of(fragment));
        for (Organization org : fragment.data().organizations()) {
            cache.asMap().putIfAbsent(new Query(Kind.ORGANIZATION, org.id(), null), done);
        }
        for (User user : fragment.data().users()) {
            cache.asMap().putIfAbsent(new Query(Kind.USER, user.userId(), null), done);
        }
    }

    private void failed(Query query, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (failing.compareAndSet(false, true)) {
            LOG.warn("directory source failing, serving cached answers (misses count as unknown): {} {}: {}",
                    query.kind(), query.key(), cause.toString());
        } else {
            LOG.debug("directory source still failing: {} {}: {}", query.kind(), query.key(), cause.toString());
        }
    }

    private URI uriOf(Query q) {
        String path = switch (q.kind()) {
            case NUMBER -> "/numbers/" + encode(q.key());
            case DEVICE_URI -> "/devices?uri=" + encode(q.key());
            case AUTH_USER -> "/devices?auth_user=" + encode(q.key()) + "&realm=" + encode(q.extra());
            case USER -> "/users/" + encode(q.key());
            case ORGANIZATION -> "/organizations/" + encode(q.key());
        };
        return URI.create(base + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean isE164(String number) {
        return number != null && number.matches("\\+[1-9]\\d{1,14}");
    }

    /** Why a fetch did not give an answer. */
    static final class SourceFailure extends RuntimeException {
        SourceFailure(String message) {
            super(message, null, false, false);
        }
    }
}
