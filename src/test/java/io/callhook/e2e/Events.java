package io.callhook.e2e;

import io.callhook.demo.HttpsSink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Field-by-field checks of received webhook POSTs against the documented examples (SPEC §1). */
final class Events {

    private static final Pattern FIELD = Pattern.compile("\"([a-z_-]+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|\\d+)");

    private Events() {}

    /** The body's top-level fields in order (the events are flat objects of strings and numbers). */
    static Map<String, String> fields(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            out.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return out;
    }

    /**
     * One line per POST, for comparing whole event sequences: {@code user device DIRECTION STATE
     * [REASON] seq=N}, in arrival order.
     */
    static List<String> summary(List<HttpsSink.Received> posts) {
        return posts.stream().map(p -> fields(p.body())).map(f -> String.join(" ",
                        java.util.stream.Stream.of(f.get("local_user_id"), f.get("device_type"), f.get("direction"),
                                        f.get("state"), f.get("termination-reason"), "seq=" + f.get("seq_num"))
                                .filter(java.util.Objects::nonNull).toList()))
                .toList();
    }

    /** The POSTs of one leg (local user + device type), as summaries. */
    static List<String> summaryOf(List<HttpsSink.Received> posts, String user, String device) {
        return summary(posts).stream().filter(l -> l.startsWith(user + " " + device + " ")).toList();
    }

    /** Each leg (user + device) carries one branch_id, and different legs different ones. */
    static void assertOneBranchPerLeg(List<HttpsSink.Received> posts) {
        Map<String, String> branchByLeg = new LinkedHashMap<>();
        for (HttpsSink.Received p : posts) {
            Map<String, String> f = fields(p.body());
            String leg = f.get("local_user_id") + " " + f.get("device_type") + " " + f.get("direction");
            String previous = branchByLeg.putIfAbsent(leg, f.get("branch_id"));
            assertThat(f.get("branch_id")).as("branch_id of %s", leg).isEqualTo(previous == null ? f.get("branch_id") : previous);
        }
        assertThat(new java.util.HashSet<>(branchByLeg.values())).as("distinct branch_id per leg").hasSize(branchByLeg.size());
    }

    static void assertDocumentedCall(List<HttpsSink.Received> posts, String direction, String callId) {
        String[][] expected = {{"1", "EARLY", null}, {"2", "CONFIRMED", null}, {"3", "TERMINATED", "HANGUP"}};
        String branch = null;
        for (int i = 0; i < 3; i++) {
            HttpsSink.Received post = posts.get(i);
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.path()).isEqualTo(HttpsSink.PATH);
            assertThat(post.header("Content-Type")).startsWith("application/json");
            assertThat(post.header("User-Agent")).startsWith("callhook/");
            Map<String, String> f = fields(post.body());
            if (expected[i][2] == null) {
                assertThat(f.keySet()).containsExactly("seq_num", "call_id", "branch_id", "timestamp", "state",
                        "direction", "local_user_id", "local_number", "device_type", "remote_number");
            } else {
                assertThat(f.keySet()).containsExactly("seq_num", "call_id", "branch_id", "timestamp", "state",
                        "termination-reason", "direction", "local_user_id", "local_number", "device_type",
                        "remote_number");
                assertThat(f).containsEntry("termination-reason", expected[i][2]);
            }
            assertThat(f).containsEntry("seq_num", expected[i][0])
                    .containsEntry("call_id", callId)
                    .containsEntry("state", expected[i][1])
                    .containsEntry("direction", direction)
                    .containsEntry("local_user_id", "setera.test@seteratesting.fi")
                    .containsEntry("local_number", "+35894272XXXX")
                    .containsEntry("device_type", "SOFT")
                    .containsEntry("remote_number", "+35840940XXXX");
            assertThat(f.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+00:00");
            assertThat(f.get("branch_id")).isNotBlank();
            if (branch == null) {
                branch = f.get("branch_id");
            }
            assertThat(f.get("branch_id")).as("one branch_id per leg").isEqualTo(branch);
        }
    }
}
