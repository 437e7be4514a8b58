package io.callhook.delivery;

import io.callhook.store.SqliteFile;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The outbox tables, svix's three nouns (DESIGN rule 10). Documented for operators in the README
 * ("Delivery guarantees"); times are UTC text ({@code 2025-01-31T09:15:02.123Z}).
 */
final class OutboxSchema {

    static final String EVENT = """
            CREATE TABLE IF NOT EXISTS event (
              id          INTEGER PRIMARY KEY,      -- in the order events were stored
              webhook_id  TEXT    NOT NULL UNIQUE,  -- the webhook-id header: msg_…, stable forever
              org         TEXT    NOT NULL,
              call_id     TEXT    NOT NULL,
              seq_num     INTEGER NOT NULL,
              state       TEXT    NOT NULL,         -- EARLY, CONFIRMED, TERMINATED …
              stored_at   TEXT    NOT NULL,
              body        BLOB    NOT NULL          -- the exact bytes POSTed (UTF-8 JSON)
            )""";

    static final String EVENT_BY_CALL = "CREATE INDEX IF NOT EXISTS event_by_call ON event (call_id, org, seq_num)";

    static final String DELIVERY = """
            CREATE TABLE IF NOT EXISTS delivery (
              event_id        INTEGER PRIMARY KEY REFERENCES event (id),
              org             TEXT    NOT NULL,
              endpoint_url    TEXT    NOT NULL,     -- the webhook URL when the event was stored
              status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
              position        INTEGER NOT NULL UNIQUE, -- queue order; a replay moves it to the end
              enqueued_at     TEXT    NOT NULL,     -- stored or replayed: max_age counts from here
              attempts        INTEGER NOT NULL DEFAULT 0, -- since enqueued_at
              next_attempt_at TEXT,                 -- pending: not before this (null: now)
              last_status     TEXT,                 -- HTTP status of the last attempt, or 'error'
              dead_reason     TEXT,
              settled_at      TEXT,                 -- when it became delivered or dead
              replayed_at     TEXT                  -- last `callhook outbox replay`
            )""";

    static final String DELIVERY_QUEUE = "CREATE INDEX IF NOT EXISTS delivery_queue ON delivery (status, position)";
    static final String DELIVERY_ORG_QUEUE =
            "CREATE INDEX IF NOT EXISTS delivery_org_queue ON delivery (org, status, position)";

    /**
     * What {@link OutboxPruner} searches: delivered rows by settle time. Partial, so appends
     * (pending rows) never touch it; created on existing files at their next start.
     */
    static final String DELIVERED_BY_SETTLED_AT =
            "CREATE INDEX IF NOT EXISTS delivery_delivered_by_settled_at ON delivery (settled_at) WHERE status = 'delivered'";

    static final String ATTEMPT = """
            CREATE TABLE IF NOT EXISTS attempt (
              id          INTEGER PRIMARY KEY,
              event_id    INTEGER NOT NULL REFERENCES event (id),
              number      INTEGER NOT NULL,         -- 1, 2, … since the event was (re)enqueued
              started_at  TEXT    NOT NULL,
              duration_ms INTEGER NOT NULL,
              http_status INTEGER,                  -- null when there was no answer
              error       TEXT                      -- why there was no answer
            )""";

    static final String ATTEMPT_BY_EVENT = "CREATE INDEX IF NOT EXISTS attempt_by_event ON attempt (event_id)";

    private OutboxSchema() {}

    static void create(Connection c) throws SQLException {
        SqliteFile.apply(c, EVENT, EVENT_BY_CALL, DELIVERY, DELIVERY_QUEUE, DELIVERY_ORG_QUEUE,
                DELIVERED_BY_SETTLED_AT, ATTEMPT, ATTEMPT_BY_EVENT);
    }
}
