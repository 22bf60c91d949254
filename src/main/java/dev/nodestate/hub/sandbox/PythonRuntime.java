package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.sandbox.Lane.Entry;
import dev.nodestate.hub.sandbox.Lane.Outcome;
import dev.nodestate.hub.sandbox.ToolError.LimitKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.LinkedBlockingQueue;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;

/**
 * The one owner of the GraalPy engine and its contexts. A pool of {@link Lane}s (one warm
 * context per core by default) serves tool runs from any number of threads; no polyglot value
 * leaves this package.
 */
public final class PythonRuntime implements Sandbox {

    /** Limits for host-owned guest work on untrusted source (checking, compiling). */
    static final Limits HOST_WORK = new Limits(512L << 20, Duration.ofSeconds(20), 400);

    /**
     * The first run of a tool on a context may allocate this many times its budget. GraalPy's
     * interpreter allocates heavily while it first specializes code: the seed extractor on a
     * 3-line file allocated over 16 MB cold and under 1 MB warm. Time and recursion limits apply
     * to first runs unchanged.
     */
    static final int FIRST_RUN_FACTOR = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;
    private final List<Lane> lanes = new CopyOnWriteArrayList<>();
    private final AtomicInteger laneNumbers = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    /** Lanes abandoned by any runtime of this process: their threads may never end. */
    private static final AtomicInteger STUCK = new AtomicInteger();
    private final Source guest;
    private final String config;
    private final BlockingQueue<Lane> free = new LinkedBlockingQueue<>();
    private final Watchdog watchdog;
    private final Thread watchdogThread;
    private final CompletableFuture<Void> ready;

    private PythonRuntime(int laneCount) {
        this.engine = Engine.newBuilder("python")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(java.io.OutputStream.nullOutputStream())
                .err(java.io.OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        this.guest = Source.newBuilder("python", resource("guest.py"), "<hub-guest>").buildLiteral();
        this.config = guestConfig();
        this.watchdog = new Watchdog(lanes);
        this.watchdogThread = Thread.ofPlatform().daemon().name("hub-watchdog").start(watchdog);
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            opening.add(addLane());
        }
        this.ready = CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> addLane() {
        Lane lane = new Lane(laneNumbers.getAndIncrement(), engine, guest, config, watchdog);
        lanes.add(lane);
        return lane.open().thenRun(() -> free.add(lane));
    }

    /**
     * Whether a guest thread of this process was given up inside a builtin: GraalPy's shutdown hook would wait for it
     * forever, so a process exiting with nothing left to do halts at once instead (the exit guard).
     */
    public static boolean guestThreadStuck() {
        return STUCK.get() > 0;
    }

    /** Lanes given up because a guest call inside a builtin could not be stopped (see README). */
    public int abandonedLanes() {
        return abandoned.get();
    }

    /** Starts the engine and warms {@code lanes} contexts in the background. */
    public static PythonRuntime start(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("need at least one Python context, got " + lanes);
        }
        return new PythonRuntime(lanes);
    }

    /** One context per available core. */
    public static int defaultLanes() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Blocks until every lane is warm; rethrows a failure to start GraalPy with context. */
    public PythonRuntime awaitReady() {
        try {
            ready.join();
        } catch (CompletionException e) {
            throw new HubException(HubException.ExitCode.FAILURE,
                    "could not start the embedded Python runtime: " + e.getCause(), e.getCause());
        }
        return this;
    }

    @Override
    public int laneCount() {
        return lanes.size();
    }

    /** "interpreter" or the name of the optimizing runtime in use. */
    public String compilerMode() {
        String name = engine.getImplementationName();
        return name.toLowerCase().contains("interpret") ? "interpreter" : "optimizing (" + name + ")";
    }

    @Override
    public JsonNode outline(String source, String filename) {
        Outcome o = onLane(Entry.CHECK, HOST_WORK, null, source, filename);
        if (o.text() == null) {
            throw new HubException(HubException.ExitCode.FAILURE, "checking " + filename + " failed: "
                    + (o.violation() != null ? o.violation() + " limit" : String.valueOf(o.error())));
        }
        return parse(o.text());
    }

    /**
     * Tests only: runs {@code source} in a lane's context as the guest runtime itself (no checker, no Python-level
     * guards), so tests can show what the context alone denies. Returns the guest's reply JSON.
     */
    String probe(String source) {
        Outcome o = onLane(Entry.PROBE, HOST_WORK, null, source);
        if (o.text() != null) {
            return o.text();
        }
        String message = o.error() != null && o.error().isExit() ? "the tool tried to exit the interpreter" : String.valueOf(o.error());
        return JSON.createObjectNode().put("failure", "execution").put("type", "HostError").put("message", message).toString();
    }

    @Override
    public GuestResult run(GuestRun r) {
        Lane lane = borrow();
        try {
            if (!lane.prepared(r.sourceKey())) {
                Outcome prepared = call(lane, Entry.PREPARE, HOST_WORK, null, r.sourceKey(), r.source(), r.filename());
                if (prepared == null) {
                    throw new ToolException(new ToolError.Limit(r.tool(), LimitKind.TIME, 0, "compiling the tool did not finish"));
                }
                failOnPrepare(r, prepared);
                lane.markPrepared(r.sourceKey());
            }
            int maxResult = (int) Math.min(Integer.MAX_VALUE, r.limits().memoryBytes());
            boolean first = !lane.warm(r.sourceKey());
            Limits limits = first ? new Limits(r.limits().memoryBytes() * FIRST_RUN_FACTOR, r.limits().time(),
                    r.limits().recursion()) : r.limits();
            Outcome o = call(lane, Entry.RUN, limits, r.host(), r.sourceKey(), r.source(), r.filename(),
                    r.inputsJson(), r.externalsJson(), Lane.HOST_SLOT, r.limits().recursion(), maxResult);
            if (o == null) {
                throw new ToolException(new ToolError.Limit(r.tool(), LimitKind.TIME, 0, "still running "
                        + hardDeadline(r.limits()) + " ms after start, inside a builtin that ignores interruption"
                        + " (time limit " + r.limits().time().toMillis() + " ms); its context was abandoned"));
            }
            lane.markWarm(r.sourceKey());
            return result(r, o, limits, first);
        } finally {
            if (lanes.contains(lane)) {
                free.add(lane);
            }
        }
    }

    private static void failOnPrepare(GuestRun r, Outcome prepared) {
        if (prepared.text() != null && !prepared.text().isEmpty()) {
            JsonNode f = parse(prepared.text());
            throw new ToolException(new ToolError.Parse(r.tool(), f.path("line").asInt(1),
                    f.path("column").asInt(1), f.path("message").asText()));
        }
        if (prepared.text() == null) {
            throw new ToolException(new ToolError.Execution(r.tool(), "HostError", 0, "",
                    "compiling the tool failed: " + prepared.error()));
        }
    }

    private static GuestResult result(GuestRun r, Outcome o, Limits effective, boolean first) {
        if (o.violation() != null) {
            String message = limitMessage(o, r.limits());
            if (first && o.violation() == LimitKind.MEMORY) {
                message = "allocated more than " + (effective.memoryBytes() >> 10) + " KB, the allowance of a tool's first run in a context ("
                        + FIRST_RUN_FACTOR + " x its budget of " + (r.limits().memoryBytes() >> 10) + " KB)";
            }
            throw new ToolException(new ToolError.Limit(r.tool(), o.violation(), 0, message));
        }
        if (o.error() != null) {
            throw new ToolException(hostSideFailure(r, o.error()));
        }
        JsonNode reply = parse(o.text());
        if (reply.has("ok")) {
            return new GuestResult(reply.get("ok"), o.stdout(), o.elapsed());
        }
        throw new ToolException(guestFailure(r, (ObjectNode) reply));
    }

    private Outcome onLane(Entry entry, Limits limits, GuestRun.HostCallback host, Object... args) {
        Lane lane = borrow();
        Outcome o = null;
        try {
            o = call(lane, entry, limits, host, args);
        } finally {
            if (o != null || lanes.contains(lane)) {
                free.add(lane);
            }
        }
        return o != null ? o : new Outcome(null, LimitKind.TIME, null, "", Duration.ofMillis(hardDeadline(limits)));
    }

    private Lane borrow() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.ExitCode.FAILURE, "interrupted while waiting for a Python context");
        }
    }

    /**
     * How long the caller waits before giving a lane up: the time limit plus {@value #GRACE_MILLIS} ms (the watchdog
     * stops ordinary overruns within milliseconds; what is still running then is a builtin that ignores interruption).
     */
    static long hardDeadline(Limits limits) {
        return limits.time().toMillis() + GRACE_MILLIS;
    }

    static final long GRACE_MILLIS = 400;

    /**
     * Runs one guest call on the lane's thread. The watchdog stops ordinary overruns within
     * milliseconds; a single builtin call running in the runtime's Java code ignores interrupt and
     * close, so past the hard deadline the lane is abandoned (and replaced) and this returns null.
     */
    private Outcome call(Lane lane, Entry entry, Limits limits, GuestRun.HostCallback host, Object... args) {
        try {
            return lane.submit(() -> lane.invoke(entry, limits, host, args)).get(hardDeadline(limits), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(lane);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.ExitCode.FAILURE, "interrupted while running Python");
        } catch (ExecutionException e) {
            throw new HubException(HubException.ExitCode.FAILURE, "the Python context failed: " + e.getCause(), e.getCause());
        }
    }

    private void abandon(Lane lane) {
        abandoned.incrementAndGet();
        STUCK.incrementAndGet();
        lanes.remove(lane);
        lane.abandon();
        addLane();
    }

    private static String limitMessage(Outcome o, Limits limits) {
        return switch (o.violation()) {
            case TIME -> "stopped after " + o.elapsed().toMillis() + " ms (time limit " + limits.time().toMillis() + " ms)";
            case MEMORY -> "allocated more than its budget of " + (limits.memoryBytes() >> 10) + " KB";
            case OUTPUT -> "printed more than " + (CapturedOutput.CAP >> 10) + " KB";
            case RECURSION -> "recursion deeper than " + limits.recursion() + " frames";
        };
    }

    private static ToolError hostSideFailure(GuestRun r, PolyglotException e) {
        if (e.isExit()) {
            return new ToolError.Execution(r.tool(), "SystemExit", 0, "", "the tool tried to exit the interpreter");
        }
        if (e.isResourceExhausted()) {
            boolean stack = String.valueOf(e.getMessage()).toLowerCase().contains("stack");
            return new ToolError.Limit(r.tool(), stack ? LimitKind.RECURSION : LimitKind.MEMORY, 0,
                    "the interpreter ran out of " + (stack ? "stack" : "memory") + ": " + e.getMessage());
        }
        if (e.isInterrupted() || e.isCancelled()) {
            return new ToolError.Limit(r.tool(), LimitKind.TIME, 0, "the run was cancelled");
        }
        return new ToolError.Execution(r.tool(), "HostError", 0, "", String.valueOf(e.getMessage()));
    }

    private static ToolError guestFailure(GuestRun r, ObjectNode f) {
        int line = f.path("line").asInt(0);
        String message = f.path("message").asText();
        return switch (f.path("failure").asText()) {
            case "limit" -> new ToolError.Limit(r.tool(),
                    LimitKind.valueOf(f.path("limit").asText("memory").toUpperCase()), line, message);
            case "input" -> new ToolError.Input(r.tool(), "", message);
            case "external" -> new ToolError.External(r.tool(), line, message);
            case "output" -> new ToolError.Output(r.tool(), message);
            default -> new ToolError.Execution(r.tool(), f.path("type").asText("Exception"), line,
                    SourceContext.around(r.source(), line), f.path("type").asText("Exception") + ": " + message);
        };
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("the guest answered with invalid JSON", e);
        }
    }

    private static String guestConfig() {
        ObjectNode cfg = JSON.createObjectNode();
        GuestPolicy.ALLOWED_MODULES.stream().sorted().forEach(cfg.putArray("allowed_modules")::add);
        GuestPolicy.DENIED_BUILTINS.stream().sorted().forEach(cfg.putArray("denied_builtins")::add);
        GuestPolicy.DENIED_ATTRIBUTES.stream().sorted().forEach(cfg.putArray("denied_attributes")::add);
        ObjectNode reasons = cfg.putObject("import_reasons");
        for (Map.Entry<String, String> e : GuestPolicy.OMITTED_MODULES.entrySet()) {
            reasons.put(e.getKey(), e.getValue());
        }
        return cfg.toString();
    }

    private static String resource(String name) {
        try (InputStream in = PythonRuntime.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " in the hub jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        watchdog.stop();
        watchdogThread.interrupt();
        // A lane stuck in an uninterruptible builtin would block a plain close forever.
        Thread closer = Thread.ofPlatform().daemon().name("hub-python-close").start(() -> {
            lanes.forEach(Lane::close);
            engine.close(true);
        });
        try {
            // with a lane abandoned, closing the engine waits for its stuck thread: do not wait for that
            closer.join(abandoned.get() > 0 ? Duration.ofMillis(100) : Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
