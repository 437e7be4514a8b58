/**
 * The embedded store: one SQLite file (WAL mode) at {@code outbox.path}, the only room that names
 * the SQLite driver. It knows no tables of its own: the outbox ({@code delivery}) and the live-leg
 * journal ({@code app}) bring their schemas and their SQL, and share one
 * {@link io.callhook.store.GroupCommitWriter} so that their writes land in one order.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>Any thread may {@link io.callhook.store.GroupCommitWriter#submit submit} a write: it only
 *       enqueues, it never touches the disk.</li>
 *   <li>One daemon thread, {@code callhook-store}, owns the writer's connection: it runs the queued
 *       writes in group-committed transactions and calls the participants after each commit.</li>
 *   <li>The operator CLI opens its own connection ({@link io.callhook.store.SqliteFile#openExisting});
 *       SQLite's file locks serialise it with a running callhook.</li>
 * </ul>
 */
package io.callhook.store;
