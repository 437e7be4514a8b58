package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import io.callhook.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory file edited while a call runs: the running callhook picks the edit up by itself
 * (its 2 s poll, no restart), the call in progress still ends with its TERMINATED event, new calls
 * follow the new file; then a broken edit is refused, logged, and changes nothing.
 */
class DirectoryReloadIT {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String OLD_NUMBER = "+358942721234";
    static final String NEW_NUMBER = "+358942729999";

    @TempDir
    Path work;
    LoopbackRig rig;
    SimplePhone device;
    SimplePhone caller;
    String template;

    @BeforeEach
    void start() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        template = Resources.text("e2e/reload-directory.yaml");
        rig = LoopbackRig.builder(work).devicePort(devicePort).directory(template.replace("${NUMBER}", OLD_NUMBER)
                .replace("${LOCAL_NUMBER_PRIVACY}", "\"mask:4\"")).start();
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, rig.proxy());
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
    }

    @AfterEach
    void stop() {
        caller.close();
        device.close();
        rig.close();
    }

    @Test
    void anEditTakesEffectWhileACallRunsAndABrokenEditChangesNothing() throws Exception {
        // a call is up on the old directory
        PhoneCall running = caller.call("sip:" + OLD_NUMBER + "@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        assertThat(running.awaitAnswered(WAIT)).isTrue();
        PhoneCall runningAtDevice = device.awaitIncoming(WAIT);
        List<HttpsSink.Received> early = rig.sink().awaitPosts(2, WAIT);
        assertThat(Events.fields(early.get(0).body())).containsEntry("local_number", "+35894272XXXX");

        // the operator renumbers the user and unmasks local_number; no restart
        try (LogCapture log = new LogCapture()) {
            rig.writeDirectory(template.replace("${NUMBER}", NEW_NUMBER).replace("${LOCAL_NUMBER_PRIVACY}", "keep"));
            eventually(() -> rig.directory().userByNumber(NEW_NUMBER).isPresent());
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("directory reloaded"));
        }
        assertThat(rig.directory().userByNumber(OLD_NUMBER)).isEmpty();

        // a new call follows the new file
        Map<String, String> renumbered = answeredCall(NEW_NUMBER);
        assertThat(renumbered).containsEntry("local_number", NEW_NUMBER).containsEntry("device_type", "SOFT");

        // the call that was up all along still ends with its event
        running.hangup();
        assertThat(runningAtDevice.awaitEnded(WAIT)).isTrue();
        eventually(() -> rig.sink().posts().stream().map(p -> Events.fields(p.body()))
                .anyMatch(f -> running.callId().equals(f.get("call_id")) && "TERMINATED".equals(f.get("state"))));

        // a broken edit: refused (logged), the directory in use stays as it was
        try (LogCapture log = new LogCapture()) {
            rig.writeDirectory(template.replace("${NUMBER}", NEW_NUMBER).replace("${LOCAL_NUMBER_PRIVACY}", "keep")
                    .replace("type: SOFT", "type: PHONE"));
            eventually(() -> log.lines().stream().anyMatch(l -> l.contains("unknown device type \"PHONE\"")));
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("directory reload refused"));
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("unknown device type \"PHONE\""));
        }
        Map<String, String> afterBrokenEdit = answeredCall(NEW_NUMBER);
        assertThat(afterBrokenEdit).containsEntry("local_number", NEW_NUMBER).containsEntry("device_type", "SOFT");
    }

    /** Calls {@code number}, the device answers, the caller hangs up; the call's EARLY event. */
    private Map<String, String> answeredCall(String number) throws Exception {
        PhoneCall call = caller.call("sip:" + number + "@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).as("%s reaches the device", number).isTrue();
        PhoneCall atDevice = device.awaitIncoming(WAIT);
        call.hangup();
        assertThat(atDevice.awaitEnded(WAIT)).isTrue();
        eventually(() -> rig.sink().posts().stream().map(p -> Events.fields(p.body()))
                .anyMatch(f -> call.callId().equals(f.get("call_id")) && "TERMINATED".equals(f.get("state"))));
        return rig.sink().posts().stream().map(p -> Events.fields(p.body()))
                .filter(f -> call.callId().equals(f.get("call_id")) && "EARLY".equals(f.get("state")))
                .findFirst().orElseThrow();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
