package io.callhook.directory;

import io.callhook.config.YamlNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads one entry of an organization's {@code users}; numbers become E.164 in the organization's region. */
final class UserReader {

    private UserReader() {}

    /**
     * @param region the organization's default region, or null when it is unusable (then national
     *               numbers are not reported again: the region already was)
     */
    static Optional<User> read(YamlNode user, String organizationId, String region, Claims claims) {
        user.allowKeys("user_id", "email", "numbers", "devices");
        YamlNode idNode = user.get("user_id");
        Optional<String> userId = idNode.requiredText().map(String::strip);
        userId.ifPresent(id -> claims.claim(new UserIdKey(id), user.path(), id, idNode.line())
                .ifPresent(earlier -> idNode.problem("duplicate user_id \"" + id + "\" (first at line "
                        + earlier.line() + ")")));
        String name = userId.orElse(user.path());

        YamlNode emailNode = user.get("email");
        String email = emailNode.text().map(String::strip).filter(text -> {
            boolean ok = text.matches("[^@\\s]+@[^@\\s]+");
            if (!ok) {
                emailNode.problem("not an email address: " + text);
            }
            return ok;
        }).orElse(null);

        List<String> numbers = new ArrayList<>();
        for (YamlNode n : user.get("numbers").list()) {
            NumberReader.read(n, region, claims, user.path(), "user " + name).ifPresent(numbers::add);
        }
        List<Device> devices = new ArrayList<>();
        for (YamlNode d : user.get("devices").list()) {
            DeviceReader.read(d, claims, name).ifPresent(devices::add);
        }
        return userId.map(id -> new User(organizationId, id, email, numbers, devices));
    }

    /** Keeps user ids apart from numbers and URIs in the shared {@link Claims}. */
    record UserIdKey(String userId) {}
}
