package io.callhook.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads, summed by what they work for (callhook's HTTP event loops, the
 * test's faulty receiver, …), so a test can tell callhook's cost from its fixtures' on a shared box.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {}

    /** Milliseconds of CPU per group of live threads. */
    static Map<String, Long> byGroup() {
        Map<String, Long> ms = new TreeMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = THREADS.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                ms.merge(group(info.getThreadName()), nanos / 1_000_000, Long::sum);
            }
        }
        return ms;
    }

    /** CPU per group since {@code before} (threads that ended meanwhile are not counted). */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> now = byGroup();
        now.replaceAll((group, ms) -> Math.max(0, ms - before.getOrDefault(group, 0L)));
        return now;
    }

    private static String group(String thread) {
        if (thread.startsWith("callhook-http")) {
            return "callhook-http";
        }
        if (thread.startsWith("faulty")) {
            return "receiver";
        }
        if (thread.startsWith("callhook")) {
            return "callhook-other";
        }
        return "other";
    }
}
