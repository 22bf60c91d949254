package dev.nodestate.hub.sandbox;

import dev.nodestate.hub.sandbox.ToolError.LimitKind;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * One warm GraalPy context bound to its own thread (with a deep stack for recursion limits).
 * Every guest call runs on that thread under a {@link RunGuard} the {@link Watchdog} enforces.
 * A context that had to be closed is rebuilt before the lane takes its next call.
 */
final class Lane {

    private static final long STACK_BYTES = 64L << 20;

    /** The result of one guarded guest call. */
    record Outcome(String text, LimitKind violation, PolyglotException error, String stdout, Duration elapsed) {
    }

    enum Entry { CHECK, PREPARE, RUN, PROBE }

    private final int index;
    private final Engine engine;
    private final Source guest;
    private final String config;
    private final Watchdog watchdog;
    private final ExecutorService thread;
    private final CapturedOutput output = new CapturedOutput();
    private final ProxyExecutable hostProxy;
    private volatile long threadId;
    private volatile Context context;
    /** Set when a stop had to close {@link #context}; the lane discards it before its next call. */
    private volatile boolean stale;
    private volatile RunGuard guard;
    private final ReentrantLock stopping = new ReentrantLock();
    private volatile GuestRun.HostCallback callback;
    private Value check;
    private Value prepare;
    private Value run;
    private Value probe;

    Lane(int index, Engine engine, Source guest, String config, Watchdog watchdog) {
        this.index = index;
        this.engine = engine;
        this.guest = guest;
        this.config = config;
        this.watchdog = watchdog;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, () -> {
                dev.nodestate.hub.Background.lowerPriority();
                r.run();
            }, "hub-python-" + index, STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        this.hostProxy = args -> {
            GuestRun.HostCallback target = callback;
            if (target == null) {
                return "{\"error\":\"no external is available outside a tool run\"}";
            }
            try {
                return target.call(args[0].asString(), args[1].asString());
            } catch (RuntimeException | StackOverflowError e) { // reaches the tool as a catchable ExternalError
                return "{\"error\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf("host failure: " + e) + "}";
            }
        };
    }

    /** Source keys whose code this lane's context has compiled (and whose imports it loaded). */
    private final java.util.Set<String> preparedKeys = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > 256;
        }
    });

    /** Keys whose code has run here once: later runs are held to the tool's own allocation budget. */
    private final java.util.Set<String> warmKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();

    boolean prepared(String key) {
        return preparedKeys.contains(key);
    }

    void markPrepared(String key) {
        preparedKeys.add(key);
    }

    boolean warm(String key) {
        return warmKeys.contains(key);
    }

    void markWarm(String key) {
        if (warmKeys.size() > 1024) {
            warmKeys.clear();
        }
        warmKeys.add(key);
    }

    int index() {
        return index;
    }

    long threadId() {
        return threadId;
    }

    RunGuard guard() {
        return guard;
    }

    boolean outputExceeded() {
        return output.exceeded();
    }

    /** Builds the context on the lane's thread; the future completes when the lane is warm. */
    CompletableFuture<Void> open() {
        return submit(() -> {
            threadId = Thread.currentThread().threadId();
            build();
            return null;
        });
    }

    <T> CompletableFuture<T> submit(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, thread);
    }

    /** Runs one entry point of the guest module under {@code limits}; call on the lane thread. */
    Outcome invoke(Entry entry, Limits limits, GuestRun.HostCallback host, Object... args) {
        RunGuard g;
        stopping.lock(); // a stop of the previous call must not reach this one
        try {
            if (stale) { // a stop closed the context after its call had already returned
                discard();
            }
            if (context == null) {
                build();
            }
            g = new RunGuard(limits, watchdog.allocatedBy(threadId));
            guard = g;
        } finally {
            stopping.unlock();
        }
        Value fn = switch (entry) {
            case CHECK -> check;
            case PREPARE -> prepare;
            case RUN -> run;
            case PROBE -> probe;
        };
        output.begin();
        callback = host;
        String text = null;
        PolyglotException error = null;
        try {
            Object[] full = entry == Entry.RUN ? withHost(args) : args;
            text = fn.execute(full).asString();
        } catch (PolyglotException e) {
            error = e;
        } finally {
            g.finish();
            guard = null;
            callback = null;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - g.startNanos);
        if (error != null && (error.isCancelled() || error.isInternalError())) {
            discard();
        }
        return new Outcome(text, g.violation(), error, output.end(), elapsed);
    }

    private Object[] withHost(Object[] args) {
        Object[] full = args.clone();
        for (int i = 0; i < full.length; i++) {
            if (full[i] == HOST_SLOT) {
                full[i] = hostProxy;
            }
        }
        return full;
    }

    /** Placeholder in a RUN argument list for the host callback proxy. */
    static final Object HOST_SLOT = new Object();

    /** Called by the watchdog's stopper thread: interrupt the guest, or close the context if that fails. */
    void stopGuest(RunGuard g) {
        stopping.lock();
        try {
            Context c = context;
            if (guard != g || c == null) {
                return;
            }
            try {
                c.interrupt(Duration.ofMillis(200));
            } catch (TimeoutException | RuntimeException e) {
                try {
                    stale = true; // should the call return on its own meanwhile, the next one rebuilds
                    c.close(true);
                } catch (RuntimeException ignored) {
                    // the context is being torn down; the lane rebuilds it
                }
            }
        } finally {
            stopping.unlock();
        }
    }

    /** Gives the lane up without waiting: its thread ends once the stuck call returns, if ever. */
    void abandon() {
        thread.shutdown();
        Thread.ofVirtual().name("hub-abandon-" + index).start(this::discard);
    }

    void close() {
        thread.shutdownNow();
        Context c = context;
        if (c != null) {
            try {
                c.close(true);
            } catch (RuntimeException ignored) {
                // closing at shutdown
            }
        }
    }

    private void discard() {
        preparedKeys.clear();
        warmKeys.clear();
        stale = false;
        Context c = context;
        context = null;
        if (c != null) {
            try {
                c.close(true);
            } catch (RuntimeException ignored) {
                // already cancelled
            }
        }
    }

    private void build() {
        Context c = Context.newBuilder("python")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(output)
                .err(output)
                .in(InputStream.nullInputStream())
                .allowHostAccess(HostAccess.CONSTRAINED)
                .allowHostClassLookup(name -> false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .build();
        c.getBindings("python").putMember("_HUB_CONFIG", config);
        c.eval(guest);
        Value bindings = c.getBindings("python");
        check = bindings.getMember("pym_check");
        prepare = bindings.getMember("pym_prepare");
        run = bindings.getMember("pym_run");
        probe = bindings.getMember("pym_probe");
        bindings.removeMember("pym_probe");
        bindings.removeMember("_HUB_CONFIG");
        context = c;
    }
}
