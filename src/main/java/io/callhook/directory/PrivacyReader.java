package io.callhook.directory;

import io.callhook.config.YamlNode;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an organization's {@code privacy} mapping (SPEC §5): {@code keep | remove} for ids, emails
 * and the device type, also {@code mask:N} (N = 1..15) for the two numbers. Anything left out is
 * {@code keep}.
 */
final class PrivacyReader {

    private static final List<String> OPTIONS = List.of("local_user_id", "local_email", "local_number",
            "device_type", "remote_user_id", "remote_email", "remote_number");

    private PrivacyReader() {}

    static PrivacyOptions read(YamlNode privacy) {
        privacy.allowKeys(OPTIONS, "unknown privacy option: use " + String.join(", ", OPTIONS));
        return new PrivacyOptions(
                keepOrRemove(privacy.get("local_user_id")),
                keepOrRemove(privacy.get("local_email")),
                number(privacy.get("local_number")),
                keepOrRemove(privacy.get("device_type")),
                keepOrRemove(privacy.get("remote_user_id")),
                keepOrRemove(privacy.get("remote_email")),
                number(privacy.get("remote_number")));
    }

    private static FieldPrivacy keepOrRemove(YamlNode option) {
        return option.text().flatMap(text -> {
            Optional<FieldPrivacy> simple = simple(text);
            if (simple.isEmpty()) {
                option.problem("use keep or remove: " + text);
            }
            return simple;
        }).orElse(FieldPrivacy.KEEP);
    }

    private static FieldPrivacy number(YamlNode option) {
        return option.text().flatMap(text -> {
            Optional<FieldPrivacy> simple = simple(text);
            if (simple.isPresent()) {
                return simple;
            }
            String t = text.strip().toLowerCase(Locale.ROOT);
            if (!t.startsWith("mask:")) {
                option.problem("use keep, remove or mask:N: " + text);
                return Optional.<FieldPrivacy>empty();
            }
            String digits = t.substring("mask:".length()).strip();
            if (!digits.matches("\\d{1,2}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 15) {
                option.problem("mask digits must be 1..15: " + digits);
                return Optional.<FieldPrivacy>empty();
            }
            return Optional.of(FieldPrivacy.mask(Integer.parseInt(digits)));
        }).orElse(FieldPrivacy.KEEP);
    }

    private static Optional<FieldPrivacy> simple(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "keep" -> Optional.of(FieldPrivacy.KEEP);
            case "remove" -> Optional.of(FieldPrivacy.REMOVE);
            default -> Optional.empty();
        };
    }
}
