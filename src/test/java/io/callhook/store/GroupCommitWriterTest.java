package io.callhook.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's health, as {@code /health} reports it: empty while it commits, a reason while it cannot. */
class GroupCommitWriterTest {

    @TempDir
    Path dir;

    @Test
    void reportsNoProblemWhileCommitting() throws Exception {
        Connection c = SqliteFile.open(dir.resolve("ok.db"));
        SqliteFile.apply(c, "CREATE TABLE t (x INTEGER)");
        GroupCommitWriter writer = new GroupCommitWriter(c, Duration.ofMillis(20));
        writer.start();
        try {
            writer.submit(insert(1));
            assertThat(writer.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(writer.problem()).isEmpty();
        } finally {
            writer.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void reportsWhyWhileCommitsFail() throws Exception {
        Connection c = SqliteFile.open(dir.resolve("broken.db"));
        SqliteFile.apply(c, "CREATE TABLE t (x INTEGER)");
        GroupCommitWriter writer = new GroupCommitWriter(c, Duration.ofMillis(20));
        writer.start();
        try {
            c.close(); // the file can no longer be written through this connection
            writer.submit(insert(2));
            Optional<String> problem = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (problem.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                problem = writer.problem();
            }
            assertThat(problem).hasValueSatisfying(why -> assertThat(why).startsWith("cannot commit: "));
        } finally {
            writer.close(Duration.ofSeconds(5));
        }
    }

    private static Write insert(int x) {
        return new Write() {
            @Override
            public void apply(Connection c) throws SQLException {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("INSERT INTO t VALUES (" + x + ")");
                }
            }

            @Override
            public String describe() {
                return "insert " + x;
            }
        };
    }
}
