package dev.nodestate.hub.sandbox;

import dev.nodestate.hub.sandbox.ToolError.LimitKind;

/** The limits of one guest call in progress on a lane, and the first limit it broke. */
final class RunGuard {

    final long startNanos;
    final long deadlineNanos;
    final long allocationStart;
    final long allocationBudget;
    final int recursion;
    private volatile LimitKind violation;
    private boolean finished;

    RunGuard(Limits limits, long allocationStart) {
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + limits.time().toNanos();
        this.allocationStart = allocationStart;
        this.allocationBudget = limits.memoryBytes();
        this.recursion = limits.recursion();
    }

    LimitKind violation() {
        return violation;
    }

    /** Records the first violation; true when this call set it. */
    synchronized boolean violate(LimitKind kind) {
        if (finished || violation != null) {
            return false;
        }
        violation = kind;
        return true;
    }

    synchronized void finish() {
        finished = true;
    }
}
