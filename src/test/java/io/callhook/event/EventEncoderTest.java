package io.callhook.event;

import io.callhook.call.Direction;
import io.callhook.call.LegState;
import io.callhook.call.TerminationReason;
import io.callhook.directory.FieldPrivacy;
import io.callhook.directory.PrivacyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire contract of SPEC §1: the documented incoming and outgoing examples, byte for byte,
 * from golden files under {@code src/test/resources/golden/}.
 */
class EventEncoderTest {

    static final PrivacyOptions DOCUMENTED_PRIVACY = new PrivacyOptions(FieldPrivacy.KEEP, FieldPrivacy.REMOVE,
            FieldPrivacy.mask(4), FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.mask(4));

    static final Instant T = Instant.parse("2021-09-30T10:36:19.315Z");

    static CallEvent documented(Direction direction, long seq, LegState state, TerminationReason reason, Instant at) {
        return new CallEvent("seteratesting", seq, "tvNAazZlEwDZTCO74Pk95Q", "L1FIItkNwW0.", at, state, reason,
                direction, "setera.test@seteratesting.fi", "setera.test@seteratesting.fi", "+358942721234", "SOFT",
                null, null, "+358409401234");
    }

    static List<String> encodeCall(Direction direction) {
        List<String> out = new ArrayList<>();
        out.add(json(documented(direction, 1, LegState.EARLY, null, T)));
        out.add(json(documented(direction, 2, LegState.CONFIRMED, null, T.plusMillis(4_210))));
        out.add(json(documented(direction, 3, LegState.TERMINATED, TerminationReason.HANGUP, T.plusMillis(65_002))));
        return out;
    }

    private static String json(CallEvent e) {
        return new String(EventEncoder.encode(Privacy.apply(e, DOCUMENTED_PRIVACY)), StandardCharsets.UTF_8);
    }

    @Test
    void documentedIncomingExampleMatchesGoldenFiles() throws IOException {
        assertThat(encodeCall(Direction.INCOMING)).containsExactly(
                golden("incoming-1-early.json"), golden("incoming-2-confirmed.json"),
                golden("incoming-3-terminated.json"));
    }

    @Test
    void documentedOutgoingExampleMatchesGoldenFiles() throws IOException {
        assertThat(encodeCall(Direction.OUTGOING)).containsExactly(
                golden("outgoing-1-early.json"), golden("outgoing-2-confirmed.json"),
                golden("outgoing-3-terminated.json"));
    }

    @Test
    void firstIncomingEventIsTheOnePrintedInTheSpec() {
        String spec = "{\"seq_num\":1,\"call_id\":\"tvNAazZlEwDZTCO74Pk95Q\",\"branch_id\":\"L1FIItkNwW0.\","
                + "\"timestamp\":\"2021-09-30T10:36:19.315+00:00\",\"state\":\"EARLY\",\"direction\":\"INCOMING\","
                + "\"local_user_id\":\"setera.test@seteratesting.fi\",\"local_number\":\"+35894272XXXX\","
                + "\"device_type\":\"SOFT\",\"remote_number\":\"+35840940XXXX\"}";
        assertThat(encodeCall(Direction.INCOMING).get(0)).isEqualTo(spec);
    }

    @Test
    void everyFieldAppearsInContractOrderWhenPresent() {
        CallEvent all = new CallEvent("o", 7, "c", "b", T, LegState.TERMINATED, TerminationReason.ANSWERED_ELSEWHERE,
                Direction.INCOMING, "le", "lu", "+1", "DESKTOP", "re", "ru", "+2");
        assertThat(new String(EventEncoder.encode(all), StandardCharsets.UTF_8)).isEqualTo(
                "{\"seq_num\":7,\"call_id\":\"c\",\"branch_id\":\"b\",\"timestamp\":\"2021-09-30T10:36:19.315+00:00\","
                        + "\"state\":\"TERMINATED\",\"termination-reason\":\"ANSWERED_ELSEWHERE\",\"direction\":\"INCOMING\","
                        + "\"local_email\":\"le\",\"local_user_id\":\"lu\",\"local_number\":\"+1\",\"device_type\":\"DESKTOP\","
                        + "\"remote_email\":\"re\",\"remote_user_id\":\"ru\",\"remote_number\":\"+2\"}");
    }

    @Test
    void absentFieldsAreLeftOutNeverNull() {
        CallEvent sparse = new CallEvent("o", 1, "c", "b", T, LegState.EARLY, null, Direction.OUTGOING,
                null, null, null, null, null, null, null);
        String json = new String(EventEncoder.encode(sparse), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("null").doesNotContain("termination-reason").doesNotContain("local_");
    }

    @ParameterizedTest
    @CsvSource({
        "2021-09-30T10:36:19Z, 2021-09-30T10:36:19.000+00:00",
        "2021-09-30T10:36:19.3159Z, 2021-09-30T10:36:19.315+00:00",
        "1999-12-31T23:59:59.999Z, 1999-12-31T23:59:59.999+00:00"})
    void timestampsAreUtcWithMillisecondsAndANumericOffset(String instant, String expected) {
        assertThat(EventEncoder.TIMESTAMP.format(Instant.parse(instant))).isEqualTo(expected);
    }

    @Test
    void stringsAreJsonEscaped() {
        CallEvent odd = new CallEvent("o", 1, "a\"b\\c\u0001", "b", T, LegState.EARLY, null, Direction.OUTGOING,
                null, "é", null, null, null, null, null);
        assertThat(new String(EventEncoder.encode(odd), StandardCharsets.UTF_8))
                .contains("\"call_id\":\"a\\\"b\\\\c\\u0001\"").contains("\"local_user_id\":\"é\"");
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = EventEncoderTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
