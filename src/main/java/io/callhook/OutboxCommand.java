package io.callhook;

import io.callhook.config.CallhookConfig;
import io.callhook.config.ConfigException;
import io.callhook.config.ConfigLoader;
import io.callhook.config.Durations;
import io.callhook.delivery.OutboxAdmin;
import io.callhook.store.SqliteFile;
import io.callhook.store.Timestamps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code callhook outbox stats | list | replay}: the operator's view of the durable outbox named by
 * {@code outbox.path}. Works beside a running callhook (SQLite serialises the two). Exit codes as
 * everywhere: 0 ok, 2 usage or configuration error, 1 runtime failure (no outbox file, a locked or
 * broken file).
 */
@Command(name = "outbox", mixinStandardHelpOptions = true,
        description = "Inspect the durable outbox: pending / delivered / dead events, and replay dead ones.",
        subcommands = {OutboxCommand.Stats.class, OutboxCommand.ListEvents.class, OutboxCommand.Replay.class})
final class OutboxCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.USAGE_ERROR;
    }

    /** The --config option and opening the outbox it names, shared by the subcommands. */
    abstract static class OnOutbox implements Callable<Integer> {
        @CommandLine.Mixin
        Main.ConfigFile configFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public final Integer call() {
            validate();
            PrintWriter err = spec.commandLine().getErr();
            CallhookConfig loaded;
            try {
                loaded = ConfigLoader.load(configFile.path);
            } catch (ConfigException e) {
                e.problems().forEach(err::println);
                return Main.CONFIG_ERROR;
            }
            try (Connection c = SqliteFile.openExisting(loaded.outbox().path())) {
                return run(c, spec.commandLine().getOut());
            } catch (SQLException e) {
                err.println("callhook outbox: " + e.getMessage());
                return Main.RUNTIME_FAILURE;
            }
        }

        /** Refuses bad option combinations (exit 2) before anything is opened. */
        void validate() {}

        abstract int run(Connection c, PrintWriter out) throws SQLException;
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Pending, delivered and dead events per organization, and the oldest pending one.")
    static final class Stats extends OnOutbox {
        @Override
        int run(Connection c, PrintWriter out) throws SQLException {
            List<OutboxAdmin.OrgStats> stats = OutboxAdmin.stats(c);
            out.printf("%-24s %10s %10s %10s  %s%n", "org", "pending", "delivered", "dead", "oldest_pending");
            for (OutboxAdmin.OrgStats s : stats) {
                out.printf("%-24s %10d %10d %10d  %s%n", s.org(), s.pending(), s.delivered(), s.dead(),
                        s.oldestPending() == null ? "-" : Timestamps.format(s.oldestPending()));
            }
            return Main.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List events by delivery status, oldest first, one key=value line each.")
    static final class ListEvents extends OnOutbox {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Status status;

        static final class Status {
            @Option(names = "--dead", required = true, description = "events given up on (max_age, 410 Gone)")
            boolean dead;
            @Option(names = "--pending", required = true, description = "events not yet delivered")
            boolean pending;
            @Option(names = "--delivered", required = true, description = "events a receiver took")
            boolean delivered;

            String name() {
                return dead ? "dead" : pending ? "pending" : "delivered";
            }
        }

        @Option(names = "--org", paramLabel = "ORG", description = "only this organization")
        String org;
        @Option(names = "--call-id", paramLabel = "CALL_ID", description = "only this call")
        String callId;
        @Option(names = "--limit", defaultValue = "1000", paramLabel = "N",
                description = "at most N lines (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        int run(Connection c, PrintWriter out) throws SQLException {
            for (OutboxAdmin.Entry e : OutboxAdmin.list(c, status.name(), new OutboxAdmin.Selection(org, callId, null),
                    limit)) {
                out.println(e.status() + " org=" + e.org() + " call_id=" + e.callId() + " seq=" + e.seqNum()
                        + " state=" + e.state() + " webhook_id=" + e.webhookId()
                        + " stored_at=" + Timestamps.format(e.storedAt()) + " attempts=" + e.attempts()
                        + " last_status=" + (e.lastStatus() == null ? "-" : e.lastStatus())
                        + (e.deadReason() == null ? "" : " reason=\"" + e.deadReason() + "\""));
            }
            return Main.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Send dead events again (same webhook-id), at the end of the queue, with a fresh "
                    + "max_age: those of one call (--call-id), or of an organization stored since a time "
                    + "(--org and --since). A running callhook picks them up within a second; otherwise the "
                    + "next start sends them."})
    static final class Replay extends OnOutbox {
        @Option(names = "--call-id", paramLabel = "CALL_ID", description = "the call's events (with --org: only that organization's)")
        String callId;
        @Option(names = "--org", paramLabel = "ORG", description = "the organization's events; needs --since without --call-id")
        String org;
        @Option(names = "--since", paramLabel = "TIME",
                description = "stored at or after TIME: an instant (2025-01-31T09:00:00Z) or a duration ago (2h, 1d)")
        String since;
        @Option(names = "--include-delivered", description = "replay delivered events too, not only dead ones")
        boolean includeDelivered;

        private Instant now;
        private Instant from;

        @Override
        void validate() {
            now = Clock.systemUTC().instant();
            from = since == null ? null : parseSince(since, now);
            if (callId == null && (org == null || from == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "replay needs --call-id CALL_ID, or --org ORG and --since TIME");
            }
        }

        @Override
        int run(Connection c, PrintWriter out) throws SQLException {
            int n = OutboxAdmin.replay(c, new OutboxAdmin.Selection(org, callId, from), includeDelivered, now);
            out.println("replayed " + n + " event" + (n == 1 ? "" : "s")
                    + (n == 0 ? "" : ": a running callhook sends them within a second, otherwise the next start does"));
            return Main.OK;
        }

        private Instant parseSince(String text, Instant now) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return now.minus(Durations.parse(text));
                } catch (RuntimeException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--since must be an instant like 2025-01-31T09:00:00Z or a duration like 2h: " + text);
                }
            }
        }
    }
}
