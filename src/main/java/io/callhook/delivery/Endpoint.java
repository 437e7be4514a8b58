package io.callhook.delivery;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One webhook receiver: where to POST, which extra CA to trust (null: the JDK's trust store only),
 * how long one attempt may take, and the Standard Webhooks signing secret ({@code whsec_<base64>},
 * null: requests are not signed). {@link #toString()} never shows the secret.
 */
public record Endpoint(URI url, Path caFile, Duration timeout, String secret) {

    /** An endpoint whose requests are not signed. */
    public Endpoint(URI url, Path caFile, Duration timeout) {
        this(url, caFile, timeout, null);
    }

    @Override
    public String toString() {
        return "Endpoint[url=" + url + ", caFile=" + caFile + ", timeout=" + timeout + ", secret="
                + (secret == null ? "none" : "(set)") + "]";
    }
}
