package io.callhook.call;

import java.util.Objects;

/**
 * What is known about a leg when it starts and never changes: who the local user is, on which
 * device, in which organization, and who the other party is.
 */
public record LegInfo(String organizationId, Direction direction, Party local, DeviceType deviceType,
                      Party remote) {
    public LegInfo {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
    }
}
