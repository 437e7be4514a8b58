package io.callhook.app;

import io.callhook.call.DeviceType;
import io.callhook.call.Direction;
import io.callhook.call.Leg;
import io.callhook.call.LegInfo;
import io.callhook.call.LegKey;
import io.callhook.call.LegState;
import io.callhook.call.Party;
import io.callhook.call.TerminationReason;
import io.callhook.store.GroupCommitWriter;
import io.callhook.store.SqliteFile;
import io.callhook.tracker.TrackerSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Live legs and seq counters written to the outbox file come back exactly as they were. */
class LegJournalTest {

    @TempDir
    Path dir;

    static final Instant T0 = Instant.parse("2025-03-01T08:00:00.125Z");

    @Test
    void liveLegsAndSeqCountersComeBackFromTheFileAsTheyWere() throws Exception {
        Path file = dir.resolve("outbox.db");
        Leg confirmed = new Leg(new LegKey("call-1", "z9hG4bK-1"),
                new LegInfo("acme", Direction.INCOMING, new Party("u@acme", "u@acme.fi", "+358401"), DeviceType.SOFT,
                        Party.external("+358402")),
                LegState.CONFIRMED, null, null, "tag-9", T0, T0.plusSeconds(3));
        Leg cancelling = new Leg(new LegKey("call-1", "z9hG4bK-2"),
                new LegInfo("acme", Direction.INCOMING, new Party(null, null, null), null, new Party(null, null, null)),
                LegState.EARLY, null, TerminationReason.ANSWERED_ELSEWHERE, null, T0, null);
        Leg ended = new Leg(new LegKey("call-2", "b"), confirmed.info(), LegState.CONFIRMED, null, null, "t", T0, T0);

        Connection c = SqliteFile.open(file);
        LegJournal.createSchema(c);
        GroupCommitWriter writer = new GroupCommitWriter(c, Duration.ofMillis(50));
        writer.start();
        LegJournal journal = new LegJournal(writer);
        journal.legChanged(confirmed);
        journal.legChanged(cancelling);
        journal.seqAdvanced("call-1", "acme", 1);
        journal.seqAdvanced("call-1", "acme", 2);
        journal.seqAdvanced("call-1", "other", 5);
        journal.legChanged(ended);
        journal.legChanged(new Leg(ended.key(), ended.info(), LegState.TERMINATED, TerminationReason.HANGUP, null,
                "t", T0, T0));
        journal.seqAdvanced("call-3", "acme", 7);
        journal.callForgotten("call-3");
        writer.close(Duration.ofSeconds(5));

        try (Connection again = SqliteFile.openExisting(file)) {
            TrackerSnapshot snapshot = LegJournal.load(again);
            assertThat(snapshot.liveLegs()).containsExactlyInAnyOrder(confirmed, cancelling);
            assertThat(snapshot.seqByCall()).containsOnlyKeys("call-1");
            assertThat(snapshot.seqByCall().get("call-1")).containsEntry("acme", 2L).containsEntry("other", 5L);
        }
    }
}
