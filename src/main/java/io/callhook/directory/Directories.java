package io.callhook.directory;

import com.github.benmanes.caffeine.cache.Ticker;
import io.callhook.config.CallhookConfig;
import io.callhook.config.ConfigException;
import io.callhook.config.ConfigProblem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Ready-made directories for the app. */
public final class Directories {

    private Directories() {}

    /**
     * The directory {@code callhook.yaml} asks for: the file (cached, reloaded when it changes), an
     * HTTP source ({@link HttpDirectory}), or both — then the file answers first and the HTTP source
     * is asked for what the file does not know.
     *
     * @throws ConfigException when the file has problems
     */
    public static ReloadableDirectory from(CallhookConfig.DirectorySettings settings) throws ConfigException {
        ReloadableDirectory file = settings.file() == null ? null
                : fromFile(settings.file(), settings.cacheMaxEntries(), settings.cacheTtl());
        if (settings.http() == null) {
            return file;
        }
        HttpDirectory http = HttpDirectory.start(settings.http(), settings.cacheMaxEntries());
        return new LayeredDirectory(file, http);
    }

    /**
     * A {@link CachingDirectory} over a {@link FileDirectorySource}: {@code directory.file} and
     * {@code directory.cache} of {@code callhook.yaml}.
     *
     * @throws ConfigException when the file has problems
     */
    public static ReloadableDirectory fromFile(Path file, int maxEntries, Duration ttl) throws ConfigException {
        return fromFile(file, maxEntries, ttl, Ticker.systemTicker());
    }

    public static ReloadableDirectory fromFile(Path file, int maxEntries, Duration ttl, Ticker ticker)
            throws ConfigException {
        FileDirectorySource source = FileDirectorySource.load(file);
        return new CachedFile(source, new CachingDirectory(source, maxEntries, ttl, ticker));
    }

    /** The cache answers; the source reloads (and its new version retires the cached answers). */
    private record CachedFile(FileDirectorySource source, CachingDirectory cache) implements ReloadableDirectory {

        @Override
        public List<ConfigProblem> reload() {
            return source.reload();
        }

        @Override
        public List<ConfigProblem> reloadIfChanged() {
            return source.reloadIfChanged();
        }

        @Override
        public int organizationCount() {
            return source.data().organizations().size();
        }

        @Override
        public Optional<Organization> organization(String organizationId) {
            return cache.organization(organizationId);
        }

        @Override
        public Optional<User> user(String userId) {
            return cache.user(userId);
        }

        @Override
        public Optional<User> userByNumber(String number) {
            return cache.userByNumber(number);
        }

        @Override
        public Optional<FunctionNumber> functionNumber(String number) {
            return cache.functionNumber(number);
        }

        @Override
        public Optional<DeviceOwner> deviceByUri(String sipUri) {
            return cache.deviceByUri(sipUri);
        }

        @Override
        public Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser) {
            return cache.deviceByAuthUser(realm, authUser);
        }

        @Override
        public String normalize(String rawNumber) {
            return cache.normalize(rawNumber);
        }

        @Override
        public List<String> regions() {
            return source.regions();
        }
    }
}
