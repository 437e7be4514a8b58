package io.callhook.delivery;

/**
 * How much of one organization's queue is in memory. When it holds the per-organization limit,
 * further deliveries stay on disk ({@code backlog}) and are read back in queue order from
 * {@code resumeFrom} once half of the limit is free again; meanwhile newly committed rows of this
 * organization are left on disk too, so nothing overtakes what waits there.
 *
 * <p>Threading: confined to the dispatcher thread.
 */
final class OrgQueue {

    final String organizationId;
    int inMemory;
    boolean backlog;
    long resumeFrom;
    boolean loading;

    OrgQueue(String organizationId) {
        this.organizationId = organizationId;
    }
}
