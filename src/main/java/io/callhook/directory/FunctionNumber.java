package io.callhook.directory;

import java.util.List;

/** A number that is not a person (IVR, ACD, hunt group, queue): never has legs of its own. */
public record FunctionNumber(String organizationId, String number, Kind kind, List<String> members) {

    public enum Kind { IVR, ACD, HUNT_GROUP, QUEUE }

    public FunctionNumber {
        members = List.copyOf(members);
    }
}
