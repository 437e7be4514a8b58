package io.callhook.store;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the SQLite file: WAL journal (readers never block the writer), {@code synchronous=FULL}
 * (a commit is on disk when it returns: the WAL is fsynced at every commit, which group commit
 * makes affordable), a 5 s busy timeout (the CLI and a running callhook take turns on the write
 * lock), autocommit on: callers that want a transaction say {@code BEGIN IMMEDIATE} themselves.
 */
public final class SqliteFile {

    static final int BUSY_TIMEOUT_MS = 5_000;

    private SqliteFile() {}

    /** Opens the file, creating it and its parent directories when missing. */
    public static Connection open(Path file) throws SQLException {
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("cannot create the directory of the outbox " + file + ": " + e.getMessage(), e);
        }
        return connect(file);
    }

    /** Opens a file that must already exist (the operator CLI never creates an empty outbox). */
    public static Connection openExisting(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new SQLException("no outbox at " + file.toAbsolutePath() + " (outbox.path in the configuration)");
        }
        return connect(file);
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
        c.setAutoCommit(true);
        return c;
    }

    /** Runs DDL statements (each {@code CREATE … IF NOT EXISTS}), in one transaction. */
    public static void apply(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                for (String sql : statements) {
                    s.execute(sql);
                }
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }
}
