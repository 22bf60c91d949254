package dev.nodestate.hub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time of a process tree from {@code /proc} (Linux), in clock ticks (USER_HZ, 100 a second): utime + stime of
 * a process, of each of its threads, and of it with all its descendants. Used by the soak and the process tests to
 * show that no thread keeps burning CPU.
 */
public final class ProcessCpu {

    /** One thread's name and ticks. */
    public record ThreadTicks(long tid, String name, long ticks) {
    }

    private ProcessCpu() {
    }

    /** utime + stime of {@code pid} (all its threads), or 0 when it is gone. */
    public static long ticks(long pid) {
        return ticksOf(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** {@code pid} and every live descendant. */
    public static long treeTicks(long pid) {
        long sum = ticks(pid);
        for (long child : descendants(pid)) {
            sum += ticks(child);
        }
        return sum;
    }

    public static List<Long> descendants(long pid) {
        return ProcessHandle.of(pid).map(p -> p.descendants().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** Every thread of {@code pid} with its ticks. */
    public static List<ThreadTicks> threads(long pid) {
        List<ThreadTicks> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path t : tasks.toList()) {
                String name;
                try {
                    name = Files.readString(t.resolve("comm")).strip();
                } catch (IOException e) {
                    continue; // the thread ended
                }
                out.add(new ThreadTicks(Long.parseLong(t.getFileName().toString()), name, ticksOf(t.resolve("stat"))));
            }
        } catch (IOException e) {
            // the process ended
        }
        return out;
    }

    private static long ticksOf(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // after "pid (comm) ": state is field 3
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
