package io.callhook.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread that writes the SQLite file: it takes whatever writes are queued, runs them in one
 * {@code BEGIN IMMEDIATE … COMMIT} transaction (group commit: one fsync for the whole batch), and
 * repeats. Writes submitted while a commit is on its way to disk go into the next batch, so the
 * time an accepted write spends outside the file (the group-commit window) is at most about two
 * commits long.
 *
 * <p>Failures: a write whose SQL fails is logged at ERROR and skipped; the rest of its batch still
 * commits. When the transaction itself cannot begin or commit (the file is locked for longer than
 * the busy timeout, the disk is full), the batch is rolled back and tried again every second, and
 * the queue grows meanwhile: nothing is dropped while the process lives.
 *
 * <p>Threading: {@link #submit}, {@link #flush} and {@link #close} may be called from any thread;
 * {@code submit} never blocks (the queue is unbounded). Everything else runs on the daemon thread
 * {@code callhook-store}, which owns the connection.
 */
public final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    static final int MAX_BATCH = 2_000;
    private static final long EAGER_POLL_MS = 5;
    private static final long RETRY_MS = 1_000;
    private static final int QUEUE_WARNING = 100_000;

    private final Connection connection;
    private final Duration idlePoll;
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final List<Participant> participants = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stopping;
    private volatile boolean closed;
    private boolean warnedQueue;
    /** The last commit error while commits fail, null once one succeeds (read by {@link #problem}). */
    private volatile String failing;

    /**
     * @param connection owned from now on: closed by {@link #close}
     * @param idlePoll   how often participants are called when nothing is written (the outbox
     *                   looks for events replayed by the CLI then)
     */
    public GroupCommitWriter(Connection connection, Duration idlePoll) {
        this.connection = connection;
        this.idlePoll = idlePoll;
        this.thread = new Thread(this::run, "callhook-store");
        this.thread.setDaemon(true);
    }

    /** Adds a participant; only before {@link #start}. */
    public void add(Participant participant) {
        if (thread.isAlive()) {
            throw new IllegalStateException("participants join before the writer starts");
        }
        participants.add(participant);
    }

    public void start() {
        thread.start();
    }

    /** Queues a write for the next transaction. Never blocks; after {@link #close} the write is dropped with a WARN. */
    public void submit(Write write) {
        if (closed) {
            LOG.warn("store closed: {} not written", write.describe());
            return;
        }
        queue.add(write);
    }

    /** True once {@link #close} began: work that queues more of itself (a prune) should stop. */
    public boolean closing() {
        return stopping;
    }

    /**
     * Why the store cannot take writes right now (the last commit failed, or the writer thread
     * stopped while it should run), for {@code /health}; empty while it commits.
     */
    public java.util.Optional<String> problem() {
        String why = failing;
        if (why != null) {
            return java.util.Optional.of("cannot commit: " + why);
        }
        if (stopped.isDone() && !stopping) {
            return java.util.Optional.of("store writer thread stopped");
        }
        return java.util.Optional.empty();
    }

    /** Writes queued so far and not yet committed. */
    public int queued() {
        return queue.size();
    }

    /**
     * Waits until every write submitted before this call is committed.
     *
     * @return false when that took longer than {@code timeout}
     */
    public boolean flush(Duration timeout) {
        if (closed) {
            return true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Write() {
            @Override
            public void apply(Connection c) {}

            @Override
            public void committed() {
                done.complete(null);
            }
        });
        return await(done, timeout);
    }

    /** Commits what is queued (waiting up to {@code timeout}), stops the thread, closes the connection. */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        stopping = true;
        queue.add(c -> {}); // wakes the thread if it waits for work
        if (thread.isAlive() && !await(stopped, timeout)) {
            LOG.warn("store writer did not finish within {} ms; {} writes not committed", timeout.toMillis(),
                    queue.size());
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing the store: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    // ---- the writer thread ----

    private void run() {
        List<Write> batch = new ArrayList<>();
        try {
            while (!(stopping && queue.isEmpty())) {
                Write first = poll();
                boolean committed = false;
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    warnIfBehind();
                    committed = commit(batch);
                }
                for (Participant p : participants) {
                    try {
                        p.afterCommit(connection);
                    } catch (SQLException | RuntimeException e) {
                        LOG.error("store participant {} failed after commit: {}", p.getClass().getSimpleName(),
                                e.toString(), e);
                    }
                }
                if (committed) {
                    for (Write w : batch) {
                        try {
                            w.committed();
                        } catch (RuntimeException e) {
                            LOG.error("store write {} failed after commit: {}", w.describe(), e.toString(), e);
                        }
                    }
                }
                batch.clear();
            }
        } catch (Throwable t) {
            LOG.error("store writer stopped by {}", t.toString(), t);
        } finally {
            stopped.complete(null);
        }
    }

    private Write poll() {
        if (stopping) {
            return queue.poll();
        }
        boolean eager = participants.stream().anyMatch(Participant::wantsAnotherCycle);
        try {
            return queue.poll(eager ? EAGER_POLL_MS : idlePoll.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return queue.poll();
        }
    }

    /** @return true when the batch is on disk (false only when given up while stopping) */
    private boolean commit(List<Write> batch) {
        int failures = 0;
        while (true) {
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    for (Participant p : participants) {
                        p.beforeWrites(connection);
                    }
                    for (Write w : batch) {
                        try {
                            w.apply(connection);
                        } catch (SQLException | RuntimeException e) {
                            LOG.error("store write {} failed and is skipped: {}", w.describe(), e.toString());
                        }
                    }
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    rollback(s);
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (stopping && ++failures >= 3) {
                    LOG.error("store: giving up on {} writes while stopping: {}", batch.size(), e.toString());
                    return false;
                }
                failing = e.toString();
                LOG.error("store: cannot commit {} writes, retrying in 1 s: {}", batch.size(), e.toString());
                sleepQuietly();
                continue;
            }
            failing = null;
            return true;
        }
    }

    private void rollback(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back
        }
        participants.forEach(Participant::rolledBack);
    }

    private void warnIfBehind() {
        int size = queue.size();
        if (size > QUEUE_WARNING && !warnedQueue) {
            warnedQueue = true;
            LOG.warn("store writer is {} writes behind: the disk is slower than the event rate", size);
        } else if (size < QUEUE_WARNING / 2) {
            warnedQueue = false;
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean await(CompletableFuture<Void> f, Duration timeout) {
        try {
            f.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completed exceptionally", e);
        }
    }
}
