package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import io.callhook.event.Privacy;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each privacy option of SPEC §5 changes exactly its field, over real SIP and HTTPS: a local user
 * U calls another local user V (so both legs carry all seven fields), once with every field kept,
 * then once per option after the organization's privacy was changed in the directory file; every
 * event of the call must equal its unprotected twin except in that one field (and in what differs
 * per call anyway: call_id, branch_id, timestamp).
 */
class PrivacyOptionsIT {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Set<String> PER_CALL = Set.of("call_id", "branch_id", "timestamp", "seq_num");

    @TempDir
    static Path work;
    static LoopbackRig rig;
    static SimplePhone caller;
    static SimplePhone callee;
    static String template;
    static Map<String, Map<String, String>> baseline;

    @BeforeAll
    static void start() throws Exception {
        int calleePort = FreePorts.udpAndTcp();
        template = Resources.text("e2e/privacy-directory.yaml");
        rig = LoopbackRig.builder(work).directory(template).placeholder("PRIVACY", "")
                .placeholder("CALLEE_CONTACT", "sip:v.callee@127.0.0.1:" + calleePort).start();
        callee = SimplePhone.start("v.callee", LoopbackRig.HOST, calleePort, rig.proxy());
        caller = SimplePhone.start("u.caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
        baseline = call();
    }

    @AfterAll
    static void stop() {
        caller.close();
        callee.close();
        rig.close();
    }

    /** One call U → V, answered and hung up; its six events keyed "DIRECTION STATE". */
    static Map<String, Map<String, String>> call() throws Exception {
        int before = rig.sink().posts().size();
        PhoneCall call = caller.call("sip:+358942722222@" + rig.proxy(), "sip:u.caller@seteratesting.fi");
        assertThat(call.awaitAnswered(WAIT)).isTrue();
        PhoneCall atCallee = callee.awaitIncoming(WAIT);
        call.hangup();
        assertThat(atCallee.awaitEnded(WAIT)).isTrue();
        List<HttpsSink.Received> posts = rig.sink().awaitPosts(before + 6, WAIT);
        Map<String, Map<String, String>> events = new LinkedHashMap<>();
        for (HttpsSink.Received post : posts.subList(before, before + 6)) {
            Map<String, String> f = Events.fields(post.body());
            assertThat(f).containsEntry("call_id", call.callId());
            events.put(f.get("direction") + " " + f.get("state"), f);
        }
        assertThat(events).hasSize(6);
        return events;
    }

    /** Writes the directory with {@code option}, reloads it, calls, and checks that only {@code field} changed. */
    private static void onlyItsFieldChanges(String option, String field, String expectedRule) throws Exception {
        rig.writeDirectory(template.replace("${PRIVACY}", option));
        assertThat(rig.directory().reload()).as("the edited directory loads").isEmpty();
        Map<String, Map<String, String>> events = call();
        for (Map.Entry<String, Map<String, String>> e : events.entrySet()) {
            Map<String, String> before = baseline.get(e.getKey());
            Map<String, String> after = e.getValue();
            Set<String> changed = new HashSet<>();
            Set<String> keys = new HashSet<>(before.keySet());
            keys.addAll(after.keySet());
            for (String key : keys) {
                if (!PER_CALL.contains(key) && !String.valueOf(before.get(key)).equals(String.valueOf(after.get(key)))) {
                    changed.add(key);
                }
            }
            assertThat(changed).as("%s: fields changed by %s", e.getKey(), option).containsExactly(field);
            if (expectedRule.equals("remove")) {
                assertThat(after).as(e.getKey()).doesNotContainKey(field);
            } else {
                int n = Integer.parseInt(expectedRule.substring("mask:".length()));
                assertThat(after.get(field)).as(e.getKey()).isEqualTo(Privacy.mask(before.get(field), n));
            }
        }
    }

    @Test
    void withEveryFieldKeptBothLegsCarryAllSevenFields() {
        for (Map.Entry<String, Map<String, String>> e : baseline.entrySet()) {
            boolean outgoing = e.getKey().startsWith("OUTGOING");
            Map<String, String> f = new HashMap<>(e.getValue());
            assertThat(f).as(e.getKey())
                    .containsEntry("local_user_id", outgoing ? "u.caller@seteratesting.fi" : "v.callee@seteratesting.fi")
                    .containsEntry("local_email", outgoing ? "u.caller@seteratesting.fi" : "v.callee@seteratesting.fi")
                    .containsEntry("local_number", outgoing ? "+358942721111" : "+358942722222")
                    .containsEntry("device_type", outgoing ? "SOFT" : "DESKTOP")
                    .containsEntry("remote_user_id", outgoing ? "v.callee@seteratesting.fi" : "u.caller@seteratesting.fi")
                    .containsEntry("remote_email", outgoing ? "v.callee@seteratesting.fi" : "u.caller@seteratesting.fi")
                    .containsEntry("remote_number", outgoing ? "+358942722222" : "+358942721111");
        }
    }

    @Test
    void localUserIdRemove() throws Exception {
        onlyItsFieldChanges("local_user_id: remove", "local_user_id", "remove");
    }

    @Test
    void localEmailRemove() throws Exception {
        onlyItsFieldChanges("local_email: remove", "local_email", "remove");
    }

    @Test
    void localNumberRemove() throws Exception {
        onlyItsFieldChanges("local_number: remove", "local_number", "remove");
    }

    @Test
    void localNumberMaskFour() throws Exception {
        onlyItsFieldChanges("local_number: \"mask:4\"", "local_number", "mask:4");
    }

    @Test
    void deviceTypeRemove() throws Exception {
        onlyItsFieldChanges("device_type: remove", "device_type", "remove");
    }

    @Test
    void remoteUserIdRemove() throws Exception {
        onlyItsFieldChanges("remote_user_id: remove", "remote_user_id", "remove");
    }

    @Test
    void remoteEmailRemove() throws Exception {
        onlyItsFieldChanges("remote_email: remove", "remote_email", "remove");
    }

    @Test
    void remoteNumberRemove() throws Exception {
        onlyItsFieldChanges("remote_number: remove", "remote_number", "remove");
    }

    @Test
    void remoteNumberMaskSeven() throws Exception {
        onlyItsFieldChanges("remote_number: \"mask:7\"", "remote_number", "mask:7");
    }
}
