package io.callhook.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code callhook demo}: the README's first command, run as a user would, must show the 3 + 3 POSTs. */
class DemoCommandIT {

    @Test
    void demoPrintsTheSixDocumentedPostsAndExitsZero() {
        CommandLineTest.Result r = CommandLineTest.run("demo");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> bodies = r.out().lines().filter(l -> l.startsWith("{\"seq_num\"")).toList();
        assertThat(bodies).hasSize(6);
        assertThat(bodies.subList(0, 3)).allMatch(b -> b.contains("\"direction\":\"INCOMING\""));
        assertThat(bodies.subList(3, 6)).allMatch(b -> b.contains("\"direction\":\"OUTGOING\""));
        for (List<String> call : List.of(bodies.subList(0, 3), bodies.subList(3, 6))) {
            assertThat(call.get(0)).startsWith("{\"seq_num\":1,").contains("\"state\":\"EARLY\"");
            assertThat(call.get(1)).startsWith("{\"seq_num\":2,").contains("\"state\":\"CONFIRMED\"");
            assertThat(call.get(2)).startsWith("{\"seq_num\":3,").contains("\"state\":\"TERMINATED\"",
                    "\"termination-reason\":\"HANGUP\"");
            assertThat(call).allMatch(b -> b.contains("\"local_user_id\":\"setera.test@seteratesting.fi\","
                    + "\"local_number\":\"+35894272XXXX\",\"device_type\":\"SOFT\",\"remote_number\":\"+35840940XXXX\"}"));
        }
        assertThat(r.out()).contains("demo OK");
    }
}
