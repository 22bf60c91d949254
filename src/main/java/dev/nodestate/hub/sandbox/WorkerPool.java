package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.sandbox.ToolError.LimitKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Tool runs of the long-running hub ({@code hub watch}), in worker processes: each a JVM from this class path with
 * one warm GraalPy lane ({@link WorkerMain}), its own heap cap ({@code -Xmx}, exits on OutOfMemoryError) and a lower
 * CPU priority ({@code nice}), so the hub's socket stays responsive while tools compute. A builtin that ignores
 * interruption ({@code sum(range(10**12))}) cannot be stopped inside a JVM: the worker says its lane was abandoned,
 * or does not answer within {@value #KILL_GRACE_MILLIS} ms of the time limit, and the hub kills it (SIGKILL, reaped)
 * and takes a warm spare in its place. The run fails with the LimitError the tool would see in-process; the store
 * lives in the hub, so nothing stored is lost. Externals are answered by the hub (the worker has no store or index).
 */
public final class WorkerPool implements Sandbox {

    /** How long after the time limit a worker may take to answer before it is killed. */
    static final long KILL_GRACE_MILLIS = PythonRuntime.GRACE_MILLIS + 600;

    /** A worker that is not warm after this long is killed and counted as a failed start. */
    static final long START_MILLIS = 180_000;

    /**
     * @param heap  the worker's {@code -Xmx} ({@code HUB_WORKER_HEAP} / {@code -Dhub.worker.heap}, default 1g)
     * @param nice  the worker's niceness (0: the hub's own priority)
     */
    public record Options(int lanes, int spares, String heap, int nice) {

        public static Options defaults(int lanes) {
            String heap = System.getProperty("hub.worker.heap", System.getenv("HUB_WORKER_HEAP"));
            return new Options(lanes, 1, heap == null || heap.isBlank() ? "1g" : heap.trim(), 10);
        }
    }

    private final Options options;
    private final List<String> command;
    private final Consumer<String> log;
    private final BlockingQueue<Worker> free = new LinkedBlockingQueue<>();
    private final BlockingQueue<Worker> spares = new LinkedBlockingQueue<>();
    private final Set<Worker> all = ConcurrentHashMap.newKeySet();
    /** Every worker process launched and not yet reaped, warm or still starting (close kills them all). */
    private final Set<Process> launched = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numbers = new AtomicInteger();
    private final AtomicInteger starting = new AtomicInteger();
    private final AtomicInteger killed = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().daemon().name("hub-worker-timer").unstarted(r));
    private volatile String startFailure;
    private volatile boolean closed;

    private WorkerPool(Options options, List<String> command, Consumer<String> log) {
        this.options = options;
        this.command = command;
        this.log = log;
    }

    /** Starts {@code lanes} workers in the background (runs wait for the first warm one), then the spares. */
    public static WorkerPool start(Options options, Consumer<String> log) {
        if (options.lanes() < 1 || options.spares() < 0) {
            throw new IllegalArgumentException("need at least one worker and no negative spares, got " + options);
        }
        WorkerPool pool = new WorkerPool(options, command(options), log);
        // the JVM may exit while the command's thread is still unwinding to close(): workers go with it
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close, "hub-worker-kill"));
        AtomicInteger left = new AtomicInteger(options.lanes());
        for (int i = 0; i < options.lanes(); i++) {
            pool.startInto(pool.free, () -> {
                if (left.decrementAndGet() == 0) { // spares after the lanes: they would slow the first start down
                    for (int s = 0; s < options.spares(); s++) {
                        pool.startInto(pool.spares, () -> { });
                    }
                }
            });
        }
        return pool;
    }

    /** The command of a worker: this JVM's binary and flags (AOT cache included), its class path, a heap cap. */
    static List<String> command(Options options) {
        List<String> cmd = new ArrayList<>();
        if (options.nice() > 0 && Files.isExecutable(Path.of("/usr/bin/nice"))) {
            cmd.addAll(List.of("/usr/bin/nice", "-n", String.valueOf(options.nice())));
        }
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!(arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-XX:MaxRAM")
                    || arg.startsWith("-agentlib:") || arg.startsWith("-javaagent:") || arg.startsWith("-XX:AOTCacheOutput")
                    || arg.contains("OutOfMemoryError"))) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx" + options.heap(), "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()));
        return cmd;
    }

    private void startInto(BlockingQueue<Worker> target, Runnable then) {
        starting.incrementAndGet();
        Thread.ofPlatform().daemon().name("hub-worker-start").start(() -> {
            int n = numbers.incrementAndGet();
            try {
                Worker w = startWithDeadline(n);
                if (closed) {
                    w.kill("the hub is stopping");
                    return;
                }
                all.add(w);
                startFailure = null;
                target.add(w);
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    startFailure = e.getMessage();
                    log.accept(e.getMessage());
                }
            } finally {
                starting.decrementAndGet();
                then.run();
            }
        });
    }

    /** A worker that hangs before it is warm would hold a start thread for good: it is killed at the deadline. */
    private Worker startWithDeadline(int n) throws IOException {
        return Worker.start(n, command, log, p -> {
            launched.removeIf(old -> !old.isAlive());
            launched.add(p);
            if (closed) {
                p.destroyForcibly();
            }
            return timer.schedule(p::destroyForcibly, START_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public GuestResult run(GuestRun r) {
        JsonNode reply = call(WorkerProtocol.runRequest(r), r.host(), r.limits(), r.tool());
        return WorkerProtocol.result(reply);
    }

    @Override
    public JsonNode outline(String source, String filename) {
        return call(WorkerProtocol.outlineRequest(source, filename), null, PythonRuntime.HOST_WORK, filename).get("outline");
    }

    @Override
    public int laneCount() {
        return options.lanes();
    }

    /** Workers killed so far because a run could not be stopped (or they died). */
    public int killedWorkers() {
        return killed.get();
    }

    /** The pids of the live workers (lanes and spares). */
    public List<Long> pids() {
        return all.stream().filter(Worker::alive).map(Worker::pid).sorted().toList();
    }

    private JsonNode call(com.fasterxml.jackson.databind.node.ObjectNode request, GuestRun.HostCallback host, Limits limits,
            String tool) {
        Worker w = borrow();
        long start = System.nanoTime();
        long deadline = limits.time().toMillis() + KILL_GRACE_MILLIS;
        ScheduledFuture<?> kill = timer.schedule(() -> w.kill("no answer " + deadline + " ms after start"), deadline,
                TimeUnit.MILLISECONDS);
        boolean healthy = false;
        try {
            JsonNode reply = w.call(request, host);
            kill.cancel(false);
            boolean abandoned = reply.path("abandoned").asBoolean(false);
            healthy = !abandoned && w.alive();
            if ("failed".equals(reply.path("op").asText())) {
                HubException e = WorkerProtocol.failure(reply);
                if (abandoned && e instanceof ToolException t) {
                    throw new ToolException(withKill(t.error(), w));
                }
                throw e;
            }
            return reply;
        } catch (IOException e) {
            kill.cancel(false);
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            String because = w.killedBecause();
            w.kill("its pipe ended");
            if (because != null && !closed) {
                throw new ToolException(new ToolError.Limit(tool, LimitKind.TIME, 0, "still running " + elapsed
                        + " ms after start (time limit " + limits.time().toMillis() + " ms) and not answering; its worker"
                        + " process (pid " + w.pid() + ") was killed"));
            }
            int code = w.exitCode();
            if (code == 3) { // -XX:+ExitOnOutOfMemoryError
                throw new ToolException(new ToolError.Limit(tool, LimitKind.MEMORY, 0, "the worker process ran out of its "
                        + options.heap() + " heap (-Xmx) after " + elapsed + " ms and exited"));
            }
            throw new HubException(ExitCode.FAILURE, closed ? "the hub is stopping: the run of " + tool + " was cut short"
                    : "the worker process running " + tool + " (pid " + w.pid() + ") ended unexpectedly" + w.exitNote()
                    + "; see the hub's stderr for its last words");
        } finally {
            if (healthy) {
                free.add(w);
            } else {
                replace(w);
            }
        }
    }

    private static ToolError withKill(ToolError e, Worker w) {
        if (e instanceof ToolError.Limit l) {
            String message = l.message().replace("its context was abandoned", "its worker process (pid " + w.pid() + ") was killed");
            return new ToolError.Limit(l.tool(), l.limit(), l.line(), message);
        }
        return e;
    }

    /** Kills {@code w} and puts a warm spare in its place (or starts a new worker when none is ready). */
    private void replace(Worker w) {
        if (w.killedBecause() == null || w.alive()) {
            w.kill("its run could not be stopped");
        }
        all.remove(w);
        killed.incrementAndGet();
        if (closed) {
            return;
        }
        Worker spare = spares.poll();
        if (spare != null) {
            free.add(spare);
            if (options.spares() > 0) {
                startInto(spares, () -> { });
            }
        } else {
            startInto(free, () -> { });
        }
    }

    private Worker borrow() {
        try {
            while (true) {
                if (closed) {
                    throw new HubException(ExitCode.FAILURE, "the hub is stopping: no worker takes new runs");
                }
                Worker w = free.poll(1, TimeUnit.SECONDS);
                if (w != null) {
                    if (w.alive()) {
                        return w;
                    }
                    replace(w); // died while idle
                    continue;
                }
                String failure = startFailure;
                if (failure != null && starting.get() == 0 && free.isEmpty()) {
                    startInto(free, () -> { }); // the next run tries again
                    throw new HubException(ExitCode.FAILURE, "no tool worker process is running: " + failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(ExitCode.FAILURE, "interrupted while waiting for a tool worker");
        }
    }

    /** Kills every worker (they hold no state) and reaps them. */
    @Override
    public void close() {
        closed = true;
        List<Worker> workers = new ArrayList<>(all);
        workers.forEach(w -> w.kill("the hub is stopping"));
        all.clear();
        for (Process p : launched) { // workers still starting
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
    }
}
