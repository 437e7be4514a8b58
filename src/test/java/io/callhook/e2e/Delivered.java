package io.callhook.e2e;

import io.callhook.demo.HttpsSink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a receiver ends up with after at-least-once delivery: each webhook-id once, first copy kept. */
final class Delivered {

    private Delivered() {}

    /** The POSTs a receiver accepted (2xx), deduplicated by {@code webhook-id}, in arrival order. */
    static List<HttpsSink.Received> deduplicated(List<HttpsSink.Received> accepted) {
        Map<String, HttpsSink.Received> byId = new LinkedHashMap<>();
        for (HttpsSink.Received post : accepted) {
            byId.putIfAbsent(post.header("webhook-id"), post);
        }
        return new ArrayList<>(byId.values());
    }

    /** The {@code seq_num}s of one call's POSTs, in arrival order. */
    static List<Integer> seqNums(List<HttpsSink.Received> posts, String callId) {
        return posts.stream().map(p -> Events.fields(p.body()))
                .filter(f -> callId.equals(f.get("call_id")))
                .map(f -> Integer.parseInt(f.get("seq_num"))).toList();
    }
}
