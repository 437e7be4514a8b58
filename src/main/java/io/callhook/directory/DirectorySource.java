package io.callhook.directory;

import java.util.List;
import java.util.Optional;

/**
 * Where directory answers come from (a file, later an HTTP provisioning system). A source may be
 * slow; {@link CachingDirectory} puts a cache in front of it. Lookups take the same arguments as
 * {@link Directory}'s. Implementations are thread-safe.
 */
public interface DirectorySource {

    Optional<Organization> organization(String organizationId);

    Optional<User> user(String userId);

    /** @param number E.164 */
    Optional<User> userByNumber(String number);

    /** @param number E.164 */
    Optional<FunctionNumber> functionNumber(String number);

    Optional<DeviceOwner> deviceByUri(String sipUri);

    Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser);

    /** The organizations' default regions, first organization first, without repeats; answered from memory. */
    List<String> regions();

    /**
     * Changes whenever the source's data changes (a reload); caches drop what they hold when it
     * does. A source that cannot tell returns a constant.
     */
    default long version() {
        return 0;
    }
}
