package io.callhook.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The delivery log lines, on logger {@code io.callhook.delivery}, one shape each so that operators
 * can grep and parse them:
 *
 * <pre>
 * INFO  delivery call_id=&lt;id&gt; seq=&lt;n&gt; org=&lt;org&gt; attempt=&lt;k&gt; status=&lt;code|error&gt; ms=&lt;duration&gt;[ error="&lt;short message&gt;"]
 * WARN  delivery dead call_id=&lt;id&gt; seq=&lt;n&gt; org=&lt;org&gt; attempts=&lt;k&gt; age_ms=&lt;ms&gt; last_status=&lt;code|error|-&gt; reason="&lt;why&gt;"
 * ERROR delivery endpoint disabled org=&lt;org&gt; url=&lt;url&gt; reason="410 Gone" …
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class DeliveryLog {

    static final Logger LOG = LoggerFactory.getLogger("io.callhook.delivery");
    private static final int MAX_ERROR_CHARS = 200;

    private DeliveryLog() {}

    static void attempt(PendingEvent e, Attempt a) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String line = "delivery call_id=" + e.callId() + " seq=" + e.seqNum() + " org=" + e.organizationId()
                + " attempt=" + a.number() + " status=" + a.status() + " ms=" + a.duration().toMillis();
        if (a.outcome() instanceof Attempt.Failed f) {
            line += " error=\"" + f.error() + "\"";
        }
        LOG.info(line);
    }

    static void dead(PendingEvent e, int attempts, Duration age, String lastStatus, String reason) {
        LOG.warn("delivery dead call_id={} seq={} org={} attempts={} age_ms={} last_status={} reason=\"{}\"",
                e.callId(), e.seqNum(), e.organizationId(), attempts, age.toMillis(), lastStatus, reason);
    }

    static void disabled(String org, Object url) {
        LOG.error("delivery endpoint disabled org={} url={} reason=\"410 Gone\": the receiver says this webhook "
                + "is gone for good; this organization's events are kept as dead, not sent, until its webhook url "
                + "changes, callhook restarts, or `callhook outbox replay --org {} --since …` replays them", org, url, org);
    }

    /** {@code SimpleName: message}, one line, at most 200 characters, no double quotes. */
    static String shortMessage(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String text = t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
        text = text.replace('"', '\'').replace('\n', ' ').replace('\r', ' ');
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS - 1) + "…";
    }
}
