package io.callhook.delivery;

/**
 * The {@code User-Agent} header value, {@code callhook/<version>}.
 *
 * <p>The version comes from the jar manifest's {@code Implementation-Version} (written by the
 * build), so it cannot drift from the released artifact; outside a jar (IDE, tests) it is
 * {@code dev}.
 */
final class UserAgent {

    static final String VALUE = "callhook/" + version();

    private UserAgent() {}

    private static String version() {
        String v = UserAgent.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }
}
