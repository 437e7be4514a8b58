package io.callhook.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a {@link CallEvent} as the JSON body of SPEC §1: fields in the contract's order, absent
 * fields left out (never null). Thread-safe; encodes once so the same bytes are stored and sent.
 */
public final class EventEncoder {

    /** {@code 2021-09-30T10:36:19.315+00:00}: milliseconds and a numeric offset, always UTC. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private EventEncoder() {}

    public static byte[] encode(CallEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(400);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("seq_num", e.seqNum());
            g.writeStringField("call_id", e.callId());
            g.writeStringField("branch_id", e.branchId());
            g.writeStringField("timestamp", TIMESTAMP.format(e.timestamp()));
            g.writeStringField("state", e.state().name());
            if (e.terminationReason() != null) {
                g.writeStringField("termination-reason", e.terminationReason().name());
            }
            g.writeStringField("direction", e.direction().name());
            optional(g, "local_email", e.localEmail());
            optional(g, "local_user_id", e.localUserId());
            optional(g, "local_number", e.localNumber());
            optional(g, "device_type", e.deviceType());
            optional(g, "remote_email", e.remoteEmail());
            optional(g, "remote_user_id", e.remoteUserId());
            optional(g, "remote_number", e.remoteNumber());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot happen writing to memory", ex);
        }
        return out.toByteArray();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
