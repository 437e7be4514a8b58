package io.callhook.config;

import io.callhook.config.CallhookConfig.HttpDirectory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads {@code directory.http} of {@code callhook.yaml}. */
final class HttpDirectoryReader {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REFRESH_AFTER = Duration.ofMinutes(1);
    static final Duration DEFAULT_MISS_WAIT = Duration.ofMillis(100);
    static final Duration MAX_MISS_WAIT = Duration.ofSeconds(1);

    private HttpDirectoryReader() {}

    /** Null when the URL is unusable (the problem is reported). */
    static HttpDirectory read(YamlNode http) {
        http.allowKeys("url", "allow_insecure_http", "ca_file", "timeout", "refresh_after", "miss_wait", "regions",
                "headers");
        boolean insecure = http.get("allow_insecure_http").bool(false);
        URI url = url(http.get("url"), insecure);
        YamlNode caNode = http.get("ca_file");
        Path caFile = caNode.filePath().orElse(null);
        if (caFile != null && !(Files.isRegularFile(caFile) && Files.isReadable(caFile))) {
            caNode.problem("no such readable file: " + caFile);
        }
        Duration timeout = http.get("timeout").duration(DEFAULT_TIMEOUT);
        Duration refreshAfter = http.get("refresh_after").duration(DEFAULT_REFRESH_AFTER);
        YamlNode missNode = http.get("miss_wait");
        Duration missWait = DEFAULT_MISS_WAIT;
        if (missNode.isPresent()) {
            missWait = missNode.text().map(String::strip).filter(t -> t.matches("0+(ms|s)?")).map(t -> Duration.ZERO)
                    .orElseGet(() -> missNode.duration(DEFAULT_MISS_WAIT));
            if (missWait.compareTo(MAX_MISS_WAIT) > 0) {
                missNode.problem("must be at most 1s (a SIP thread waits this long on a cache miss): "
                        + missNode.text().orElse(""));
            }
        }
        List<String> regions = new ArrayList<>();
        for (YamlNode item : http.get("regions").list()) {
            item.requiredText().map(t -> t.strip().toUpperCase(Locale.ROOT)).ifPresent(region -> {
                if (region.matches("[A-Z]{2}")) {
                    regions.add(region);
                } else {
                    item.problem("must be a two-letter ISO 3166 region, like FI: " + region);
                }
            });
        }
        Map<String, String> headers = new LinkedHashMap<>();
        YamlNode headersNode = http.get("headers");
        if (headersNode.isPresent()) {
            for (String name : headersNode.keys()) {
                YamlNode value = headersNode.get(name);
                if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    value.problem("not an HTTP header name");
                    continue;
                }
                value.requiredText().ifPresent(v -> headers.put(name, v.strip()));  // the value is never printed
            }
        }
        if (url == null) {
            return null;
        }
        return new HttpDirectory(url, caFile, timeout, refreshAfter, missWait, regions, headers);
    }

    private static URI url(YamlNode node, boolean insecure) {
        return node.requiredText().map(String::strip).map(text -> {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                node.problem("not a URL: " + text);
                return null;
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                node.problem("must be an https:// URL with a host: " + text);
                return null;
            }
            if (scheme.equals("http") && !insecure) {
                node.problem("http:// needs allow_insecure_http: true");
                return null;
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                node.problem("must be a base URL without ?query or #fragment: " + text);
                return null;
            }
            return uri;
        }).orElse(null);
    }
}
