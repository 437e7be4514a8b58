package io.callhook.directory;

import io.callhook.call.LegState;
import io.callhook.config.YamlNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads an organization's {@code webhook} mapping (SPEC §6, §7). */
final class WebhookReader {

    static final String SECRET_PREFIX = "whsec_";

    private WebhookReader() {}

    /** Empty when the webhook is missing or its URL is unusable (the problem is already reported). */
    static Optional<Webhook> read(YamlNode webhook) {
        webhook.allowKeys("url", "secret", "states", "ca_file", "allow_insecure_http", "timeout", "max_age",
                "retry_schedule", "privacy");
        if (!webhook.require()) {
            return Optional.empty();
        }
        boolean insecure = webhook.get("allow_insecure_http").bool(false);
        Optional<URI> url = url(webhook.get("url"), insecure);
        String secret = secret(webhook.get("secret"));
        Set<LegState> states = states(webhook.get("states"));
        Path caFile = caFile(webhook.get("ca_file"));
        Duration timeout = webhook.get("timeout").duration(Webhook.DEFAULT_TIMEOUT);
        Duration maxAge = webhook.get("max_age").duration(Webhook.DEFAULT_MAX_AGE);
        List<Duration> schedule = retrySchedule(webhook.get("retry_schedule"));
        return url.map(u -> new Webhook(u, secret, states, caFile, insecure, timeout, maxAge, schedule));
    }

    private static Optional<URI> url(YamlNode node, boolean insecure) {
        return node.requiredText().map(String::strip).flatMap(text -> {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                node.problem("not a URL: " + text);
                return Optional.empty();
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                node.problem("must be an https:// URL with a host: " + text);
                return Optional.empty();
            }
            if (scheme.equals("http") && !insecure) {
                node.problem("http:// needs allow_insecure_http: true");
                return Optional.empty();
            }
            return Optional.of(uri);
        });
    }

    /** The value itself is never printed: it is a credential. */
    private static String secret(YamlNode node) {
        return node.text().map(String::strip).filter(text -> {
            boolean ok = text.startsWith(SECRET_PREFIX) && text.length() > SECRET_PREFIX.length()
                    && isBase64(text.substring(SECRET_PREFIX.length()));
            if (!ok) {
                node.problem("must be " + SECRET_PREFIX + " followed by base64 (value not shown)");
            }
            return ok;
        }).orElse(null);
    }

    private static boolean isBase64(String text) {
        try {
            Base64.getDecoder().decode(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Set<LegState> states(YamlNode node) {
        if (!node.isPresent()) {
            return Webhook.DEFAULT_STATES;
        }
        Set<LegState> states = EnumSet.noneOf(LegState.class);
        for (YamlNode item : node.list()) {
            if (item.require()) {
                item.oneOf(LegState.class, "state").ifPresent(states::add);
            }
        }
        if (node.isList() && node.list().isEmpty()) {
            node.problem("must name at least one state");
        }
        return states;
    }

    private static Path caFile(YamlNode node) {
        return node.filePath().filter(path -> {
            boolean ok = Files.isRegularFile(path) && Files.isReadable(path);
            if (!ok) {
                node.problem("no such readable file: " + path);
            }
            return ok;
        }).orElse(null);
    }

    private static List<Duration> retrySchedule(YamlNode node) {
        if (!node.isPresent()) {
            return Webhook.DEFAULT_RETRY_SCHEDULE;
        }
        List<Duration> schedule = new ArrayList<>();
        for (YamlNode item : node.list()) {
            if (item.require()) {
                item.duration().ifPresent(schedule::add);
            }
        }
        if (node.isList() && node.list().isEmpty()) {
            node.problem("must name at least one delay, like [5s, 5m]");
        }
        return schedule.isEmpty() ? Webhook.DEFAULT_RETRY_SCHEDULE : schedule;
    }
}
