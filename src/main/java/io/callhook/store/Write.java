package io.callhook.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One unit of work for the {@link GroupCommitWriter}: its SQL runs inside the writer's current
 * transaction, on the writer thread; {@link #committed()} runs after that transaction is on disk.
 */
@FunctionalInterface
public interface Write {

    void apply(Connection c) throws SQLException;

    /** After the transaction holding this write committed and the participants saw it. Must not block. */
    default void committed() {}

    /** For the log when {@link #apply} fails. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
