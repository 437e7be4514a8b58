package io.callhook.directory;

import io.callhook.config.YamlNode;

import java.util.Optional;

/** Reads one phone number of a directory file into E.164 and claims it for its owner. */
final class NumberReader {

    private NumberReader() {}

    /**
     * @param region null when the organization's region is unusable: national numbers are then
     *               skipped silently, since the region was reported already
     */
    static Optional<String> read(YamlNode node, String region, Claims claims, String owner, String description) {
        return node.requiredText().map(String::strip).flatMap(text -> {
            Optional<String> e164 = NumberNormalizer.toE164(text, region);
            if (e164.isEmpty()) {
                if (region != null || text.startsWith("+")) {
                    node.problem("not a phone number" + (region == null ? "" : " in region " + region) + ": " + text);
                }
                return Optional.empty();
            }
            claims.claim(new NumberKey(e164.get()), owner, description, node.line()).ifPresent(earlier ->
                    node.problem("duplicate number " + e164.get() + ": already used by " + earlier.description()
                            + " (line " + earlier.line() + ")"));
            return e164;
        });
    }

    /** Keeps numbers apart from user ids and URIs in the shared {@link Claims}. */
    record NumberKey(String e164) {}
}
