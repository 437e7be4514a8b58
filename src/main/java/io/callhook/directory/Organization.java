package io.callhook.directory;

import java.util.Objects;

/** A customer organization: its numbering region, its webhook, and its privacy rules. */
public record Organization(String id, String defaultRegion, Webhook webhook, PrivacyOptions privacy) {
    public Organization {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(defaultRegion, "defaultRegion");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(privacy, "privacy");
    }
}
