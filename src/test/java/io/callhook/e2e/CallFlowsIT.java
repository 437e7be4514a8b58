package io.callhook.e2e;

import io.callhook.demo.HttpsSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.callhook.e2e.FlowRig.ALICE;
import static io.callhook.e2e.FlowRig.BOB;
import static io.callhook.e2e.FlowRig.CAROL;
import static io.callhook.e2e.FlowRig.EXTERNAL;
import static io.callhook.e2e.FlowRig.HUNT_GROUP;
import static io.callhook.e2e.FlowRig.IVR;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference call flows of SPEC §3 (3–12; 1 and 2 are {@link DocumentedExamplesSippIT}), each
 * played by the SIPp scenarios of {@code sipp-scenarios/} through the running proxy, asserting the
 * exact POSTs the HTTPS receiver gets.
 */
class CallFlowsIT {

    static final Duration CALL = Duration.ofSeconds(40);
    static final String X = EXTERNAL + "@127.0.0.1";
    static final String ALICE_SOFT_AOR = "alice@acme.fi";

    @TempDir
    Path work;
    FlowRig flows;

    @BeforeAll
    static void sippIsInstalled() {
        Sipp.requireInstalled();
    }

    @BeforeEach
    void start() throws Exception {
        flows = FlowRig.start(work);
    }

    @AfterEach
    void stop() {
        flows.close();
    }

    @Test
    void flow3CallerCancelsWhileRingingEndsTheLegCancelled() throws Exception {
        Sipp carol = flows.device("CAROL", "uas_ring_cancelled.xml");
        flows.call("uac_cancel.xml", X, CAROL, "-d", "500");
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(2))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING TERMINATED CANCELLED seq=2");
        assertThat(carol.logged()).containsEntry("reason", "none");
    }

    @Test
    void flow4DeclinedAfterRingingEndsRejected() throws Exception {
        flows.device("CAROL", "uas_ring_then_reject.xml", "-key", "status", "603", "-d", "300");
        flows.call("uac_rejected.xml", X, CAROL);
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(2))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING TERMINATED REJECTED seq=2");
    }

    @Test
    void flow4BusyWithoutRingingIsOnlyTerminatedRejected() throws Exception {
        flows.device("CAROL", "uas_reject.xml", "-key", "status", "486");
        Sipp caller = flows.call("uac_rejected.xml", X, CAROL);
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(1))).containsExactly(
                "carol SOFT INCOMING TERMINATED REJECTED seq=1");
        assertThat(caller.logged()).containsEntry("status", "486");
    }

    @Test
    void flow5ForkedToTwoDevicesTheLoserEndsAnsweredElsewhereAndSeesReason200() throws Exception {
        Sipp soft = flows.device("ALICE_SOFT", "uas_ring_cancelled.xml");
        flows.device("ALICE_DESK", "uas_answer.xml", "-d", "1000");
        flows.call("uac_answered.xml", X, ALICE, "-d", "500");
        flows.awaitAllSipp(CALL);

        List<HttpsSink.Received> posts = flows.exactlyPosts(5);
        List<String> events = Events.summary(posts);
        assertThat(events).hasSize(5);
        assertThat(events.subList(0, 2)).as("both devices ring, in either order")
                .extracting(e -> e.replaceAll(" seq=\\d+", ""))
                .containsExactlyInAnyOrder("alice SOFT INCOMING EARLY", "alice DESKTOP INCOMING EARLY");
        assertThat(events.subList(0, 2)).extracting(e -> e.substring(e.lastIndexOf(' ') + 1))
                .containsExactly("seq=1", "seq=2");
        assertThat(events.subList(2, 5)).containsExactly(
                "alice DESKTOP INCOMING CONFIRMED seq=3",
                "alice SOFT INCOMING TERMINATED ANSWERED_ELSEWHERE seq=4",
                "alice DESKTOP INCOMING TERMINATED HANGUP seq=5");
        Events.assertOneBranchPerLeg(posts);
        assertThat(soft.logged().get("reason")).contains("SIP").contains("cause=200")
                .contains("Call completed elsewhere");
    }

    @Test
    void flow6LocalUserCallsABusyNumberUpstream() throws Exception {
        flows.device("UPSTREAM", "uas_ring_then_reject.xml", "-key", "status", "486", "-d", "300");
        flows.call("uac_rejected.xml", ALICE_SOFT_AOR, EXTERNAL);
        flows.awaitAllSipp(CALL);

        List<HttpsSink.Received> posts = flows.exactlyPosts(2);
        assertThat(Events.summary(posts)).containsExactly(
                "alice SOFT OUTGOING EARLY seq=1",
                "alice SOFT OUTGOING TERMINATED REJECTED seq=2");
        assertThat(Events.fields(posts.get(0).body())).containsEntry("remote_number", EXTERNAL)
                .doesNotContainKey("remote_user_id");
    }

    @Test
    void flow7InternalCallGivesBothLegsTheOtherUsersIdentity() throws Exception {
        flows.device("BOB", "uas_answer.xml", "-d", "200");
        flows.call("uac_answered.xml", ALICE_SOFT_AOR, BOB, "-d", "300");
        flows.awaitAllSipp(CALL);

        List<HttpsSink.Received> posts = flows.exactlyPosts(6);
        List<String> events = Events.summary(posts);
        assertThat(events).filteredOn(e -> e.startsWith("alice SOFT OUTGOING")).extracting(e -> e.replaceAll(" seq=\\d+", ""))
                .containsExactly("alice SOFT OUTGOING EARLY", "alice SOFT OUTGOING CONFIRMED",
                        "alice SOFT OUTGOING TERMINATED HANGUP");
        assertThat(events).filteredOn(e -> e.startsWith("bob MOBILE_VOIP INCOMING")).extracting(e -> e.replaceAll(" seq=\\d+", ""))
                .containsExactly("bob MOBILE_VOIP INCOMING EARLY", "bob MOBILE_VOIP INCOMING CONFIRMED",
                        "bob MOBILE_VOIP INCOMING TERMINATED HANGUP");
        assertThat(posts).extracting(p -> Events.fields(p.body()).get("seq_num"))
                .as("one organization: one seq counter for the call").containsExactly("1", "2", "3", "4", "5", "6");
        for (HttpsSink.Received post : posts) {
            Map<String, String> f = Events.fields(post.body());
            if (f.get("direction").equals("OUTGOING")) {
                assertThat(f).containsEntry("local_user_id", "alice").containsEntry("local_email", "alice@acme.fi")
                        .containsEntry("local_number", ALICE).containsEntry("remote_user_id", "bob")
                        .containsEntry("remote_email", "bob@acme.fi").containsEntry("remote_number", BOB);
            } else {
                assertThat(f).containsEntry("local_user_id", "bob").containsEntry("local_number", BOB)
                        .containsEntry("remote_user_id", "alice").containsEntry("remote_email", "alice@acme.fi")
                        .containsEntry("remote_number", ALICE);
            }
        }
        Events.assertOneBranchPerLeg(posts);
    }

    @Test
    void flow8CallsToAnIvrAndToAHuntGroupWithoutMembersGoUpstreamAndPostNothing() throws Exception {
        flows.device("UPSTREAM", "uas_answer.xml", "-d", "100", "-m", "2");
        flows.call("uac_answered.xml", X, IVR, "-d", "200");
        flows.call("uac_answered.xml", X, "+358942720200", "-d", "200");
        flows.awaitAllSipp(CALL);

        Thread.sleep(1000);
        assertThat(flows.rig.sink().posts()).isEmpty();
    }

    @Test
    void flow9HuntGroupRingsAllMembersAndTheLoserEndsAnsweredElsewhere() throws Exception {
        flows.device("CAROL", "uas_ring_cancelled.xml");
        flows.device("BOB", "uas_answer.xml", "-d", "1000");
        flows.call("uac_answered.xml", X, HUNT_GROUP, "-d", "500");
        flows.awaitAllSipp(CALL);

        List<HttpsSink.Received> posts = flows.exactlyPosts(5);
        List<String> events = Events.summary(posts);
        assertThat(events.subList(0, 2)).extracting(e -> e.replaceAll(" seq=\\d+", ""))
                .containsExactlyInAnyOrder("carol SOFT INCOMING EARLY", "bob MOBILE_VOIP INCOMING EARLY");
        assertThat(events.subList(2, 5)).containsExactly(
                "bob MOBILE_VOIP INCOMING CONFIRMED seq=3",
                "carol SOFT INCOMING TERMINATED ANSWERED_ELSEWHERE seq=4",
                "bob MOBILE_VOIP INCOMING TERMINATED HANGUP seq=5");
        assertThat(posts).allSatisfy(p -> assertThat(Events.fields(p.body()))
                .as("remote_number is the original caller").containsEntry("remote_number", EXTERNAL));
    }

    @Test
    void flow10UpstreamCancelWithReasonCause200EndsAnsweredElsewhereAndTheReasonIsRelayed() throws Exception {
        Sipp carol = flows.device("CAROL", "uas_ring_cancelled.xml");
        flows.call("uac_cancel_with_reason.xml", X, CAROL, "-d", "500",
                "-key", "reason", "SIP;cause=200;text=\"Call completed elsewhere\"");
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(2))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING TERMINATED ANSWERED_ELSEWHERE seq=2");
        assertThat(carol.logged().get("reason")).contains("cause=200");
    }

    @Test
    void flow10UpstreamCancelWithQ850Cause26EndsAnsweredElsewhere() throws Exception {
        flows.device("CAROL", "uas_ring_cancelled.xml");
        flows.call("uac_cancel_with_reason.xml", X, CAROL, "-d", "500", "-key", "reason", "Q.850;cause=26");
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(2))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING TERMINATED ANSWERED_ELSEWHERE seq=2");
    }

    @Test
    void flow11OnlyTheRetriedAttemptAfterA407PostsEvents() throws Exception {
        flows.device("UPSTREAM", "uas_challenge_then_answer.xml");
        Sipp alice = flows.call("uac_challenged.xml", ALICE_SOFT_AOR, EXTERNAL, "-d", "300");
        flows.awaitAllSipp(CALL);

        List<HttpsSink.Received> posts = flows.exactlyPosts(3);
        assertThat(Events.summary(posts)).containsExactly(
                "alice SOFT OUTGOING EARLY seq=1",
                "alice SOFT OUTGOING CONFIRMED seq=2",
                "alice SOFT OUTGOING TERMINATED HANGUP seq=3");
        String retried = Events.fields(posts.get(0).body()).get("branch_id");
        assertThat(alice.logged().values()).as("branch_id is the retried INVITE's branch").contains(retried);
    }

    @Test
    void flow12EarlyMediaAndHoldResumeReInvitesAddNoEvents() throws Exception {
        flows.device("CAROL", "uas_early_media_reinvite.xml", "-d", "300");
        flows.call("uac_reinvite.xml", X, CAROL, "-d", "300");
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(3))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING CONFIRMED seq=2",
                "carol SOFT INCOMING TERMINATED HANGUP seq=3");
    }

    @Test
    void byeFromTheCalleeSideEndsTheLegAsHangupToo() throws Exception {
        flows.device("CAROL", "uas_answer_then_hangup.xml", "-d", "200");
        flows.call("uac_answered_callee_hangs_up.xml", X, CAROL);
        flows.awaitAllSipp(CALL);

        assertThat(Events.summary(flows.exactlyPosts(3))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING CONFIRMED seq=2",
                "carol SOFT INCOMING TERMINATED HANGUP seq=3");
    }
}
