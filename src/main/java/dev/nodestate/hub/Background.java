package dev.nodestate.hub;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ThreadFactory;

/**
 * Threads that do the hub's bulk work (tool lanes, index and analysis pools, update workers) run at a lower CPU
 * priority than the threads that answer people and agents. On two cores a cold index keeps both busy; at equal
 * priority a socket request woke behind them and waited for a time slice (p99 18 ms during a cold index,
 * bench/socket.sh). Java thread priorities are ignored on Linux, so a bulk thread raises its own nice value
 * with setpriority(PRIO_PROCESS, gettid(), n), which an unprivileged process may always do for its own threads;
 * threads it starts inherit the value. Elsewhere, or when the call is not available, this does nothing.
 * {@code HUB_BULK_NICE} (0-19, default 10) sets the value; 0 turns it off.
 */
public final class Background {

    private static final int NICE = niceFromEnvironment();
    private static final MethodHandle SET_PRIORITY;
    private static final MethodHandle GET_TID;

    static {
        MethodHandle set = null;
        MethodHandle tid = null;
        if (NICE > 0 && System.getProperty("os.name", "").equals("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                set = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                tid = linker.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
            } catch (RuntimeException | LinkageError e) {
                set = null; // no native access or no such symbol: bulk work runs at normal priority
            }
        }
        SET_PRIORITY = set;
        GET_TID = tid;
    }

    private Background() {
    }

    /** Lowers the calling platform thread's CPU priority (not a virtual thread's: that would lower its carrier). */
    public static void lowerPriority() {
        if (SET_PRIORITY == null || Thread.currentThread().isVirtual()) {
            return;
        }
        try {
            int tid = (int) GET_TID.invokeExact();
            int ignored = (int) SET_PRIORITY.invokeExact(0 /* PRIO_PROCESS: with a tid, that thread only */, tid, NICE);
        } catch (Throwable e) {
            // best effort: the thread keeps its priority
        }
    }

    /** A factory for daemon platform threads named {@code prefix + n} that lower their priority first. */
    public static ThreadFactory threads(String prefix) {
        ThreadFactory plain = Thread.ofPlatform().daemon().name(prefix, 0).factory();
        return r -> plain.newThread(() -> {
            lowerPriority();
            r.run();
        });
    }

    private static int niceFromEnvironment() {
        String value = System.getenv("HUB_BULK_NICE");
        if (value == null || value.isBlank()) {
            return 10;
        }
        try {
            return Math.max(0, Math.min(19, Integer.parseInt(value.strip())));
        } catch (NumberFormatException e) {
            return 10;
        }
    }
}
