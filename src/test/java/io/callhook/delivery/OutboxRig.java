package io.callhook.delivery;

import io.callhook.delivery.netty.NettyTransport;
import io.callhook.store.GroupCommitWriter;
import io.callhook.store.SqliteFile;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delivery room assembled as callhook assembles it, on a real SQLite file and a real Netty
 * transport: writer → outbox → dispatcher. Closing and opening it again on the same file is a
 * restart.
 */
final class OutboxRig implements AutoCloseable {

    /** The transport\'s connections per endpoint, which also caps the dispatcher\'s attempts in flight. */
    static final int CONNECTIONS_PER_ENDPOINT = 8;

    final Path file;
    final GroupCommitWriter writer;
    final Outbox outbox;
    final NettyTransport transport;
    final Dispatcher dispatcher;

    private OutboxRig(Path file, GroupCommitWriter writer, Outbox outbox, NettyTransport transport,
                      Dispatcher dispatcher) {
        this.file = file;
        this.writer = writer;
        this.outbox = outbox;
        this.transport = transport;
        this.dispatcher = dispatcher;
    }

    /** @param routes what rows read back from the file are sent with, by organization (may change later) */
    static OutboxRig open(Path file, MutableClock clock, DeliveryListener listener, int perOrganization,
                          Map<String, Route> routes) throws SQLException {
        Connection c = SqliteFile.open(file);
        Outbox.createSchema(c);
        GroupCommitWriter writer = new GroupCommitWriter(c, Duration.ofMillis(50));
        Outbox outbox = new Outbox(writer, c, clock, org -> Optional.ofNullable(routes.get(org)));
        NettyTransport transport = new NettyTransport(1, CONNECTIONS_PER_ENDPOINT, clock);
        Dispatcher dispatcher = new Dispatcher(transport, clock, outbox, DeliveryListener.all(outbox, listener),
                perOrganization, () -> 0.5);
        outbox.start(dispatcher);
        writer.start();
        return new OutboxRig(file, writer, outbox, transport, dispatcher);
    }

    static Map<String, Route> routes() {
        return new ConcurrentHashMap<>();
    }

    void append(PendingEvent event) {
        outbox.append(event);
    }

    /** One number from the file, read on a connection of its own (as the sqlite3 shell would). */
    long count(String sql) throws SQLException {
        try (Connection c = SqliteFile.openExisting(file); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    String text(String sql) throws SQLException {
        try (Connection c = SqliteFile.openExisting(file); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** A stop without grace: what is in flight stays pending in the file. */
    @Override
    public void close() {
        writer.flush(Duration.ofSeconds(5));
        dispatcher.close(Duration.ZERO);
        writer.close(Duration.ofSeconds(5));
        transport.close();
    }

    /** A graceful stop, as callhook's own close. */
    void closeGracefully(Duration grace) {
        writer.flush(Duration.ofSeconds(5));
        dispatcher.close(grace);
        writer.close(Duration.ofSeconds(5));
        transport.close();
    }
}
