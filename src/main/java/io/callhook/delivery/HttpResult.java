package io.callhook.delivery;

import java.time.Duration;
import java.util.Optional;

/** What the receiver answered to one attempt: the status and its Retry-After, if any. */
public record HttpResult(int status, Optional<Duration> retryAfter) {
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
