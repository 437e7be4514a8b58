package io.callhook.directory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who first claimed a user id, number or SIP URI in a directory file, so that a second claim by
 * someone else can be reported with the line of the first.
 */
final class Claims {

    /** @param owner the key path of the claimant; @param description how a message names it */
    record Claim(String owner, String description, int line) {}

    private final Map<Object, Claim> claims = new HashMap<>();

    /** Claims {@code key}; returns the earlier claim by another owner, if any (the first claim stays). */
    Optional<Claim> claim(Object key, String owner, String description, int line) {
        Claim earlier = claims.putIfAbsent(key, new Claim(owner, description, line));
        return earlier == null || earlier.owner().equals(owner) ? Optional.empty() : Optional.of(earlier);
    }
}
