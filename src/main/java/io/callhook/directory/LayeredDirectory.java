package io.callhook.directory;

import io.callhook.config.ConfigProblem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The file directory first, then the HTTP source for what the file does not know (or the HTTP
 * source alone, without a file). Numbers are normalized with the file's regions, then the HTTP
 * source's configured ones. Reloading reloads the file.
 */
final class LayeredDirectory implements ReloadableDirectory {

    private final ReloadableDirectory file;   // null when there is none
    private final HttpDirectory http;

    /** The file's organizations; those only the HTTP source knows are not counted. */
    @Override
    public int organizationCount() {
        return file == null ? 0 : file.organizationCount();
    }

    LayeredDirectory(ReloadableDirectory file, HttpDirectory http) {
        this.file = file;
        this.http = http;
    }

    @Override
    public List<ConfigProblem> reload() {
        return file == null ? List.of() : file.reload();
    }

    @Override
    public List<ConfigProblem> reloadIfChanged() {
        return file == null ? List.of() : file.reloadIfChanged();
    }

    @Override
    public List<String> regions() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        if (file != null) {
            all.addAll(file.regions());
        }
        all.addAll(http.regions());
        return new ArrayList<>(all);
    }

    @Override
    public Optional<Organization> organization(String organizationId) {
        return first(d -> d.organization(organizationId));
    }

    @Override
    public Optional<User> user(String userId) {
        return first(d -> d.user(userId));
    }

    @Override
    public Optional<User> userByNumber(String number) {
        return first(d -> d.userByNumber(number));
    }

    @Override
    public Optional<FunctionNumber> functionNumber(String number) {
        return first(d -> d.functionNumber(number));
    }

    @Override
    public Optional<DeviceOwner> deviceByUri(String sipUri) {
        return first(d -> d.deviceByUri(sipUri));
    }

    @Override
    public Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser) {
        return first(d -> d.deviceByAuthUser(realm, authUser));
    }

    @Override
    public Optional<Optional<DeviceOwner>> deviceByUriIfReady(String sipUri) {
        Optional<DeviceOwner> fromFile = file == null ? Optional.empty() : file.deviceByUri(sipUri);
        return fromFile.isPresent() ? Optional.of(fromFile) : http.deviceByUriIfReady(sipUri);
    }

    @Override
    public Optional<Optional<DeviceOwner>> deviceByAuthUserIfReady(String realm, String authUser) {
        Optional<DeviceOwner> fromFile = file == null ? Optional.empty() : file.deviceByAuthUser(realm, authUser);
        return fromFile.isPresent() ? Optional.of(fromFile) : http.deviceByAuthUserIfReady(realm, authUser);
    }

    @Override
    public String normalize(String rawNumber) {
        return StaticDirectory.normalize(rawNumber, regions());
    }

    private <T> Optional<T> first(Function<Directory, Optional<T>> lookup) {
        if (file != null) {
            Optional<T> fromFile = lookup.apply(file);
            if (fromFile.isPresent()) {
                return fromFile;
            }
        }
        return lookup.apply(http);
    }
}
