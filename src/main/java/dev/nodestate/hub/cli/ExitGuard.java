package dev.nodestate.hub.cli;

import dev.nodestate.hub.sandbox.PythonRuntime;
import java.time.Duration;

/**
 * Bounds how long the JVM may take to exit. GraalPy's engine shutdown hook waits for every guest thread, and a
 * thread stuck in an uninterruptible builtin ({@code sum(range(10**12))}) never leaves: {@code System.exit} and
 * SIGTERM then hung for good. A hook of ours starts a daemon thread that halts the JVM once {@link #grace} has
 * passed since the shutdown began; when the other hooks finish first the JVM exits normally and it never fires. A
 * command that exits knowing a guest thread is stuck (its work done, its output flushed) halts at once: waiting out
 * the grace would only add to the exit the 300 ms that made one-shot runs of {@code sum(range(10**12))} exit up to
 * 1.2 s after their time limit on a loaded machine.
 */
final class ExitGuard {

    /** One-shot commands: printing is done before exit, so hooks have little to do. */
    static final Duration ONE_SHOT = Duration.ofMillis(300);

    private static final ExitGuard PROCESS = new ExitGuard();

    private volatile int code = 143; // 128 + SIGTERM, for a shutdown a signal began
    private volatile long graceMillis = ONE_SHOT.toMillis();

    private ExitGuard() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Thread.ofPlatform().daemon().name("hub-exit-guard").start(() -> {
            try {
                Thread.sleep(graceMillis);
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            System.err.println("hub: exit took longer than " + graceMillis + " ms (a tool thread is stuck in a builtin); halting");
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }), "hub-exit-guard-hook"));
    }

    /** The process's guard, installed on first use. */
    static ExitGuard get() {
        return PROCESS;
    }

    /** Long-running commands give their own shutdown (daemon stop) this long before the halt. */
    void grace(Duration grace) {
        graceMillis = grace.toMillis();
    }

    /** Exits with {@code exitCode}, halting after the grace if a shutdown hook hangs. */
    void exit(int exitCode) {
        code = exitCode;
        System.out.flush();
        System.err.flush();
        if (PythonRuntime.guestThreadStuck()) {
            Runtime.getRuntime().halt(exitCode); // GraalPy's hook would wait for the stuck thread; ours have nothing left
        }
        System.exit(exitCode);
    }
}
