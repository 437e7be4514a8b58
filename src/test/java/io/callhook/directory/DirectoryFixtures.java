package io.callhook.directory;

import io.callhook.call.DeviceType;

import java.util.List;

/** A small two-organization directory for lookup tests. */
final class DirectoryFixtures {

    static final Device ALICE_SOFT = new Device(DeviceType.SOFT, "sip:alice@acme.example", "sip:192.0.2.10:5070",
            null, null, null);
    static final Device ALICE_DESK = new Device(DeviceType.DESKTOP, "sip:alice.desk@acme.example:5062", null,
            "alice.desk", "acme.example", "5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a");
    static final User ALICE = new User("acme", "alice@acme.example", "alice@acme.example",
            List.of("+358401234567"), List.of(ALICE_SOFT, ALICE_DESK));
    static final User SVEN = new User("svea", "sven", null, List.of("+46701234567"),
            List.of(new Device(DeviceType.MOBILE, "sip:sven@svea.example", null, null, null, null)));
    static final FunctionNumber IVR = new FunctionNumber("acme", "+358942720000", FunctionNumber.Kind.IVR, List.of());

    static DirectoryData data() {
        return new DirectoryData(List.of(organization("acme", "FI"), organization("svea", "SE")),
                List.of(ALICE, SVEN), List.of(IVR));
    }

    static Organization organization(String id, String region) {
        Webhook webhook = new Webhook(java.net.URI.create("https://crm.example.com/" + id), null,
                Webhook.DEFAULT_STATES, null, false, Webhook.DEFAULT_TIMEOUT, Webhook.DEFAULT_MAX_AGE,
                Webhook.DEFAULT_RETRY_SCHEDULE);
        return new Organization(id, region, webhook, PrivacyOptions.KEEP_ALL);
    }

    private DirectoryFixtures() {}
}
