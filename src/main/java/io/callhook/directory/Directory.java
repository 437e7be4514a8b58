package io.callhook.directory;

import java.util.Optional;

/**
 * Who is this number or address: the one question the SIP layer and the event encoder ask.
 * Implementations answer from memory or a cache and never block on I/O.
 */
public interface Directory {

    Optional<Organization> organization(String organizationId);

    Optional<User> user(String userId);

    /** The user who owns this number; {@code number} is E.164 (see {@link #normalize}). */
    Optional<User> userByNumber(String number);

    /** The function number (IVR, hunt group …) with this E.164 number. */
    Optional<FunctionNumber> functionNumber(String number);

    /** The device whose AOR or static contact is this SIP URI (scheme, user and host compared). */
    Optional<DeviceOwner> deviceByUri(String sipUri);

    /** The device that authenticates (digest) as {@code authUser} in {@code realm}; both compared exactly. */
    Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser);

    /**
     * As {@link #deviceByUri}, but never waits for a slow source: empty when the answer is not at
     * hand yet (it is then being fetched for next time), else the answer. For access control, so
     * requests from anyone cannot tie up SIP threads. Memory directories always have it at hand.
     */
    default Optional<Optional<DeviceOwner>> deviceByUriIfReady(String sipUri) {
        return Optional.of(deviceByUri(sipUri));
    }

    /** As {@link #deviceByAuthUser}, never waiting: see {@link #deviceByUriIfReady}. */
    default Optional<Optional<DeviceOwner>> deviceByAuthUserIfReady(String realm, String authUser) {
        return Optional.of(deviceByAuthUser(realm, authUser));
    }

    /**
     * The E.164 form of a number seen on the wire (a user part, a From display), trying the
     * organizations' default regions; the input unchanged when it cannot be parsed.
     */
    String normalize(String rawNumber);
}
