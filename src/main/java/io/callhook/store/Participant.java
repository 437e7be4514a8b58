package io.callhook.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Takes part in every cycle of the {@link GroupCommitWriter}, on its thread: before the writes of a
 * transaction, after its commit (or its rollback), and on every idle poll. The outbox uses it to
 * number appended rows and to hand committed rows to delivery.
 */
public interface Participant {

    /** Inside the transaction, before the batch's writes (the write lock is held). */
    default void beforeWrites(Connection c) throws SQLException {}

    /** After a commit, and every poll interval when there was nothing to write. */
    default void afterCommit(Connection c) throws SQLException {}

    /** The batch's transaction was rolled back: forget what {@link #beforeWrites} and the writes noted. */
    default void rolledBack() {}

    /** True to be called again soon (a few milliseconds) rather than after the idle poll interval. */
    default boolean wantsAnotherCycle() {
        return false;
    }
}
