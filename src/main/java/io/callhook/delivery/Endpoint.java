package io.callhook.delivery;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One webhook receiver: where to POST, which extra CA to trust (null: the JDK's trust store only),
 * and how long one attempt may take.
 */
public record Endpoint(URI url, Path caFile, Duration timeout) {}
