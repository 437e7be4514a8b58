package io.callhook.delivery;

import io.callhook.store.GroupCommitWriter;
import io.callhook.store.Timestamps;
import io.callhook.store.Write;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Outbox retention ({@code outbox.keep_delivered}): deletes delivered events whose delivery
 * settled longer ago than that, with their {@code delivery} and {@code attempt} rows. Pending and
 * dead events are never deleted (SPEC §6: dead events are kept, listed and replayable); the
 * live-leg journal does not refer to events.
 *
 * <h2>How a run goes</h2>
 * A run is a chain of writes on the store's single writer, so it never races it: each write
 * deletes at most {@link #CHUNK} of the oldest such events inside the writer's group commit, and the
 * next one is queued {@link #PAUSE} after that commit, so appends wait for one chunk at most and
 * commit normally in between. The run ends with a chunk that found less than a full one (or when
 * the writer closes), and logs one INFO line if it deleted anything.
 *
 * <p>The delivery with the highest queue {@code position} is never deleted: new positions are the
 * highest + 1, and the dispatcher and the outbox's cursor rely on positions never going back.
 *
 * <p>SQLite does not give freed pages back to the file system; later writes reuse them, so the
 * file stops growing rather than shrinking. Nothing here runs {@code VACUUM}.
 *
 * <h2>Threading</h2>
 * {@link #prune} from any thread (callhook's housekeeping thread): it only queues a write. The
 * chunks run on the writer thread; {@code pruned} is called there after each commit; the next chunk
 * is queued from the JDK's delayed executor.
 */
public final class OutboxPruner {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxPruner.class);

    /**
     * Events per write. Measured on the 2-core box under load: 2,000 take 40–100 ms of the writer
     * (delete + commit), 5,000 take 200–500 ms; the writes queued meanwhile wait that long.
     */
    static final int CHUNK = 2_000;
    /** Between two chunks the writer only commits what else arrived, so a long run never monopolizes it. */
    static final Duration PAUSE = Duration.ofMillis(50);
    /** The first run after start: soon, but after the start-up reads of pending rows. */
    public static final Duration FIRST_RUN = Duration.ofMinutes(1);
    /** Between runs: at hundreds of calls per second a run deletes a few hundred thousand events. */
    public static final Duration INTERVAL = Duration.ofMinutes(10);

    /**
     * Walks the partial index {@code delivery_delivered_by_settled_at}, oldest first. Named, because
     * without statistics SQLite prefers {@code delivery_queue} for the position term, which reads
     * every delivered row and sorts them; {@code INDEXED BY} also fails loudly if the index is gone.
     */
    static final String OLDEST_DELIVERED = """
            SELECT event_id FROM delivery INDEXED BY delivery_delivered_by_settled_at
             WHERE status = 'delivered' AND settled_at < ?
               AND position < (SELECT max(position) FROM delivery)
             ORDER BY settled_at LIMIT ?""";

    private final GroupCommitWriter writer;
    private final Clock clock;
    private final Duration keepDelivered;
    private final LongConsumer pruned;
    private final int chunk;
    /** The run under way, guarded by {@code this}. */
    private CompletableFuture<Long> current = CompletableFuture.completedFuture(0L);

    /**
     * @param keepDelivered how long delivered events stay; zero: {@link #prune} does nothing
     * @param pruned        hears how many events each committed chunk deleted (the metric)
     */
    public OutboxPruner(GroupCommitWriter writer, Clock clock, Duration keepDelivered, LongConsumer pruned) {
        this(writer, clock, keepDelivered, pruned, CHUNK);
    }

    OutboxPruner(GroupCommitWriter writer, Clock clock, Duration keepDelivered, LongConsumer pruned, int chunk) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keepDelivered = Objects.requireNonNull(keepDelivered, "keepDelivered");
        this.pruned = Objects.requireNonNull(pruned, "pruned");
        if (keepDelivered.isNegative() || chunk < 1) {
            throw new IllegalArgumentException("keep_delivered must not be negative and chunks hold at least 1 event: "
                    + keepDelivered + ", " + chunk);
        }
        this.chunk = chunk;
    }

    /**
     * Starts a run deleting the delivered events settled before now − {@code keep_delivered}, unless
     * one is still under way: then that run is returned.
     *
     * @return completes, after the run's last commit, with how many events it deleted
     */
    public synchronized CompletableFuture<Long> prune() {
        if (keepDelivered.isZero() || !current.isDone()) {
            return current;
        }
        Instant cutoff = clock.instant().minus(keepDelivered);
        if (cutoff.isBefore(Instant.EPOCH)) {
            return current; // nothing was settled that long ago (and older years do not sort as text)
        }
        Run run = new Run(Timestamps.format(cutoff));
        current = run.done;
        writer.submit(new Chunk(run));
        return current;
    }

    /** One run: its cutoff and what it did so far (touched by one thread at a time: writer, then delayed executor). */
    private final class Run {
        final String cutoff;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final long startedNanos = System.nanoTime();
        long events;
        int chunks;

        Run(String cutoff) {
            this.cutoff = cutoff;
        }

        void finish() {
            if (events > 0) {
                LOG.info("outbox pruned events={} older_than={} chunks={} ms={}", events, cutoff, chunks,
                        (System.nanoTime() - startedNanos) / 1_000_000);
            }
            done.complete(events);
        }
    }

    /** Queues the run's next chunk, unless the writer is closing (a prune never delays a stop). */
    private void next(Run run) {
        if (writer.closing()) {
            run.finish();
        } else {
            writer.submit(new Chunk(run));
        }
    }

    /** Deletes up to one chunk of the run's events; queues the next chunk after its commit when it was full. */
    private final class Chunk implements Write {
        private final Run run;
        private int deleted;

        Chunk(Run run) {
            this.run = run;
        }

        @Override
        public void apply(Connection c) throws SQLException {
            deleted = -1; // stays so when the SQL fails: the writer logs that and skips this write
            deleted = deleteOldest(c, run.cutoff, chunk);
        }

        @Override
        public void committed() {
            if (deleted < 0) {
                run.finish();
                return;
            }
            run.events += deleted;
            run.chunks++;
            if (deleted > 0) {
                pruned.accept(deleted);
            }
            if (deleted == chunk) {
                CompletableFuture.delayedExecutor(PAUSE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> next(run));
            } else {
                run.finish();
            }
        }

        @Override
        public String describe() {
            return "outbox prune older_than=" + run.cutoff;
        }
    }

    /**
     * Deletes up to {@code limit} delivered events settled before {@code cutoff}, oldest first, with
     * their delivery and attempt rows (children first: the file enforces foreign keys). All or
     * nothing, inside the caller's transaction. Set-based through a temp table of the chosen ids:
     * about three times faster than a statement per row (OutboxPruneBenchmark).
     *
     * @return how many events were deleted
     */
    static int deleteOldest(Connection c, String cutoff, int limit) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT prune");
            try {
                s.execute("CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY)");
                s.execute("DELETE FROM temp.prune_ids");
                int chosen;
                try (PreparedStatement choose = c.prepareStatement("INSERT INTO temp.prune_ids " + OLDEST_DELIVERED)) {
                    choose.setString(1, cutoff);
                    choose.setInt(2, limit);
                    chosen = choose.executeUpdate();
                }
                if (chosen > 0) {
                    s.execute("DELETE FROM attempt WHERE event_id IN (SELECT id FROM temp.prune_ids)");
                    s.execute("DELETE FROM delivery WHERE event_id IN (SELECT id FROM temp.prune_ids)");
                    s.execute("DELETE FROM event WHERE id IN (SELECT id FROM temp.prune_ids)");
                    s.execute("DELETE FROM temp.prune_ids");
                }
                s.execute("RELEASE prune");
                return chosen;
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK TO prune");
                s.execute("RELEASE prune");
                throw e;
            }
        }
    }
}
