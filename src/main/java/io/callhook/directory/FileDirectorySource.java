package io.callhook.directory;

import io.callhook.config.ConfigException;
import io.callhook.config.ConfigProblem;
import io.callhook.config.YamlDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A {@link DirectorySource} read from a {@code directory.yaml}. {@link #reload()} swaps in the new
 * data atomically; a file with problems keeps the previous data, and the problems are logged and
 * returned. Lookups never lock; reloads are serialized.
 */
public final class FileDirectorySource implements DirectorySource {

    private static final Logger log = LoggerFactory.getLogger(FileDirectorySource.class);

    /** What the file looked like when last read; a change of either means "read it again". */
    private record Stamp(long lastModifiedMillis, long size) {
        static final Stamp MISSING = new Stamp(-1, -1);
    }

    private final Path file;
    private volatile StaticDirectory current;
    private volatile long version;
    private Stamp stamp;   // guarded by this

    private FileDirectorySource(Path file, StaticDirectory first, Stamp stamp) {
        this.file = file;
        this.current = first;
        this.stamp = stamp;
    }

    /** Loads {@code file}; a first load with problems is refused. */
    public static FileDirectorySource load(Path file) throws ConfigException {
        Stamp stamp = stamp(file);
        return new FileDirectorySource(file, new StaticDirectory(DirectoryLoader.load(file)), stamp);
    }

    /** Reads the file again; returns its problems (empty when the new data is in use). */
    public synchronized List<ConfigProblem> reload() {
        stamp = stamp(file);
        YamlDocument doc = YamlDocument.parse(file);
        DirectoryData data = DirectoryLoader.read(doc);
        if (doc.hasProblems()) {
            List<ConfigProblem> problems = doc.problems();
            log.warn("directory reload refused, keeping the previous directory: file={} problems={}", file, problems.size());
            problems.forEach(p -> log.warn("directory problem: {}", p));
            return problems;
        }
        current = new StaticDirectory(data);
        version++;
        log.info("directory reloaded: file={} organizations={} users={} function_numbers={}", file,
                data.organizations().size(), data.users().size(), data.functionNumbers().size());
        return List.of();
    }

    /**
     * Reloads when the file's modification time or size differs from the last read; a broken file is
     * reported once, not on every call. Meant to be called periodically.
     */
    public synchronized List<ConfigProblem> reloadIfChanged() {
        return stamp(file).equals(stamp) ? List.of() : reload();
    }

    /** The data in use now. */
    public DirectoryData data() {
        return current.data();
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public Optional<Organization> organization(String organizationId) {
        return current.organization(organizationId);
    }

    @Override
    public Optional<User> user(String userId) {
        return current.user(userId);
    }

    @Override
    public Optional<User> userByNumber(String number) {
        return current.userByNumber(number);
    }

    @Override
    public Optional<FunctionNumber> functionNumber(String number) {
        return current.functionNumber(number);
    }

    @Override
    public Optional<DeviceOwner> deviceByUri(String sipUri) {
        return current.deviceByUri(sipUri);
    }

    @Override
    public Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser) {
        return current.deviceByAuthUser(realm, authUser);
    }

    @Override
    public List<String> regions() {
        return current.regions();
    }

    private static Stamp stamp(Path file) {
        try {
            return new Stamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
        } catch (IOException e) {
            return Stamp.MISSING;
        }
    }
}
