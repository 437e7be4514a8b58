package io.callhook.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements kept open on the writer's connection, one per SQL text. Preparing (SQLite
 * parsing the SQL) took about a third of the store thread's native time under load, for the same
 * few statements run thousands of times a second.
 *
 * <p>Writer thread only, like the connection it serves: one instance per participant, used from
 * {@link Write#apply}. A statement left prepared and reset holds no lock in SQLite. Given another
 * connection than before, it forgets the old statements.
 */
public final class CachedStatements {

    private Connection connection;
    private final Map<String, PreparedStatement> bySql = new HashMap<>();

    /** The statement for {@code sql} on {@code c}; do not close it. Parameters are bound by the caller. */
    public PreparedStatement get(Connection c, String sql) throws SQLException {
        if (c != connection) {
            bySql.clear(); // the old connection's statements go with it
            connection = c;
        }
        PreparedStatement s = bySql.get(sql);
        if (s == null || s.isClosed()) {
            s = c.prepareStatement(sql);
            bySql.put(sql, s);
        }
        return s;
    }

    /** Binds {@code args} in order and runs the statement; the number of rows changed. */
    public int update(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = get(c, sql);
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s.executeUpdate();
    }
}
