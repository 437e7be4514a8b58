package io.callhook.directory;

import java.util.List;

/** A local user: the person whose legs produce events. Numbers are E.164. */
public record User(String organizationId, String userId, String email, List<String> numbers, List<Device> devices) {
    public User {
        numbers = List.copyOf(numbers);
        devices = List.copyOf(devices);
    }

    /** The number the user's events carry as {@code local_number}: the first one, or null. */
    public String primaryNumber() {
        return numbers.isEmpty() ? null : numbers.get(0);
    }
}
