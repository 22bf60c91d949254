package dev.nodestate.hub.sandbox;

import dev.nodestate.hub.sandbox.ToolError.LimitKind;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls every lane's running call every {@value #POLL_MILLIS} ms: wall time against the deadline,
 * bytes allocated by the lane's thread against the run's budget, and the stdout cap. On a breach
 * it records the limit and stops the guest (interrupt, or close the context when that times out).
 */
final class Watchdog implements Runnable {

    static final int POLL_MILLIS = 5;

    private final List<Lane> lanes;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private volatile boolean running = true;

    Watchdog(List<Lane> lanes) {
        this.lanes = lanes;
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    long allocatedBy(long threadId) {
        return threads.getThreadAllocatedBytes(threadId);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            long now = System.nanoTime();
            for (Lane lane : lanes) {
                RunGuard guard = lane.guard();
                if (guard == null || guard.violation() != null) {
                    continue;
                }
                LimitKind breach = null;
                if (now > guard.deadlineNanos) {
                    breach = LimitKind.TIME;
                } else if (allocatedBy(lane.threadId()) - guard.allocationStart > guard.allocationBudget) {
                    breach = LimitKind.MEMORY;
                } else if (lane.outputExceeded()) {
                    breach = LimitKind.OUTPUT;
                }
                if (breach != null && guard.violate(breach)) {
                    Thread.ofVirtual().name("hub-stop-" + lane.index()).start(() -> lane.stopGuest(guard));
                }
            }
            LockSupport.parkNanos(POLL_MILLIS * 1_000_000L);
        }
    }
}
