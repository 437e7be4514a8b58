package io.callhook.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link Directory} that answers from a Caffeine cache in front of a possibly slow
 * {@link DirectorySource}. Misses are cached too (most numbers on the wire are not local users).
 * At most {@code maxEntries} answers are kept in all, each for {@code ttl} after it was fetched;
 * when the source's {@link DirectorySource#version() version} changes, older answers are no longer
 * used. Thread-safe; a miss runs the source lookup on the calling thread.
 */
public final class CachingDirectory implements Directory {

    private enum Kind { ORGANIZATION, USER, USER_BY_NUMBER, FUNCTION_NUMBER, DEVICE_BY_URI, DEVICE_BY_AUTH_USER }

    /** The version makes answers from before a reload unreachable, with no race against it. */
    private record Lookup(Kind kind, String key, long version) {}

    private final DirectorySource source;
    private final Cache<Lookup, Optional<?>> cache;
    private volatile long lastVersion;

    public CachingDirectory(DirectorySource source, int maxEntries, Duration ttl) {
        this(source, maxEntries, ttl, Ticker.systemTicker());
    }

    /** @param ticker the clock of expiry (tests pass a fake one) */
    public CachingDirectory(DirectorySource source, int maxEntries, Duration ttl, Ticker ticker) {
        this.source = source;
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).ticker(ticker).build();
        this.lastVersion = source.version();
    }

    @Override
    public Optional<Organization> organization(String organizationId) {
        return lookup(Kind.ORGANIZATION, organizationId, source::organization);
    }

    @Override
    public Optional<User> user(String userId) {
        return lookup(Kind.USER, userId, source::user);
    }

    @Override
    public Optional<User> userByNumber(String number) {
        return lookup(Kind.USER_BY_NUMBER, number, source::userByNumber);
    }

    @Override
    public Optional<FunctionNumber> functionNumber(String number) {
        return lookup(Kind.FUNCTION_NUMBER, number, source::functionNumber);
    }

    @Override
    public Optional<DeviceOwner> deviceByUri(String sipUri) {
        return lookup(Kind.DEVICE_BY_URI, sipUri, source::deviceByUri);
    }

    @Override
    public Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser) {
        if (realm == null || authUser == null) {
            return Optional.empty();
        }
        return lookup(Kind.DEVICE_BY_AUTH_USER, realm + '\n' + authUser,
                key -> source.deviceByAuthUser(realm, authUser));
    }

    /** Not cached: parsing a number is fast and needs no I/O. Unparsable numbers are logged once. */
    @Override
    public String normalize(String rawNumber) {
        return StaticDirectory.normalize(rawNumber, source.regions());
    }

    /** Drops every cached answer. */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> lookup(Kind kind, String key, Function<String, Optional<T>> fetch) {
        if (key == null) {
            return Optional.empty();
        }
        long version = source.version();
        if (version != lastVersion) {
            lastVersion = version;
            cache.invalidateAll();   // frees memory; correctness comes from the version in the key
        }
        return (Optional<T>) cache.get(new Lookup(kind, key, version), k -> fetch.apply(k.key()));
    }
}
