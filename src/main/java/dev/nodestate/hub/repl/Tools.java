package dev.nodestate.hub.repl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The .pym tools as the REPL sees them. Names come from the directory (no Python needed, for
 * completion); listing and running start one GraalPy context on first use (seconds), kept for the
 * session. Runs happen in this process with the host's standard externals and the cross-file ones
 * (over a read-only view of the store), whichever backend answers the queries: tool results are
 * printed, never stored.
 */
final class Tools implements AutoCloseable {

    private final Path directory;
    private final Externals externals;
    private final Supplier<PythonRuntime> shared;
    private PythonRuntime runtime;
    private ToolRegistry registry;
    private ToolHost host;

    /** Tools of {@code directory} run against {@code repo}; on {@code shared}'s runtime when given (not closed here), else on an own one. */
    Tools(Path directory, Path repo, Supplier<PythonRuntime> shared) {
        this.directory = directory;
        this.shared = shared;
        Externals crossFile = dev.nodestate.hub.refs.CrossFileAnalysis.offlineExternals();
        if (Files.isDirectory(dev.nodestate.hub.store.NodeStore.stateDir(repo))) {
            try { // the cross-file tools query what the hub stored: a read-only view, whoever holds the store
                store = dev.nodestate.hub.store.NodeStore.openReadOnly(repo);
                crossFile = new dev.nodestate.hub.refs.CrossFileAnalysis(store, null).externals();
            } catch (RuntimeException e) {
                store = null;
            }
        }
        this.externals = HostExternals.standard(repo).with(crossFile);
    }

    private dev.nodestate.hub.store.NodeStore store;

    /** Tool names: the .pym files of the directory, sorted. */
    List<String> names() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pym"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    synchronized List<PymTool> list() {
        return registry().list();
    }

    /**
     * One tool, checked on its own until something needs the whole directory (a registry checks every tool in
     * GraalPy first: ~2 s with the shipped nine); re-checked when its file changed.
     */
    synchronized PymTool get(String name) {
        if (registry != null) {
            return registry.get(name);
        }
        Path file = directory.resolve(name + ".pym");
        if (!Files.isRegularFile(file)) {
            throw new HubException(ExitCode.NOT_FOUND, "no tool '" + name + "' in " + directory.toAbsolutePath().normalize() + "; known tools: "
                    + String.join(", ", names()));
        }
        try {
            String source = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            Checked c = checked.get(name);
            if (c == null || !c.source().equals(source)) {
                c = new Checked(source, new PymChecker(runtime(), externals).check(file, source));
                checked.put(name, c);
            }
            return c.tool();
        } catch (IOException e) {
            throw new HubException(ExitCode.NOT_FOUND, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private record Checked(String source, PymTool tool) {
    }

    private final Map<String, Checked> checked = new java.util.HashMap<>();

    private PythonRuntime runtime() {
        if (shared != null) {
            return shared.get();
        }
        if (runtime == null) {
            runtime = PythonRuntime.start(1).awaitReady();
        }
        return runtime;
    }

    /** Runs a checked tool; a failure is a TOOL_FAILED HubException with the tool's one-line error. */
    GuestResult run(PymTool tool, Map<String, JsonNode> inputs) {
        ToolHost h;
        synchronized (this) {
            if (host == null) {
                host = new ToolHost(runtime());
            }
            h = host;
        }
        try {
            return h.run(tool, inputs, externals, null);
        } catch (ToolException e) {
            throw new HubException(ExitCode.TOOL_FAILED, "tool " + tool.name() + " failed: " + e.error().kind() + ": "
                    + e.error().message().lines().findFirst().orElse(""), e);
        }
    }

    /** Re-reads the tools directory (a running registry also follows it by itself). */
    synchronized void reload() {
        if (registry != null) {
            registry.rescan();
        }
    }

    private ToolRegistry registry() {
        if (registry == null) {
            registry = new ToolRegistry(directory, new PymChecker(runtime(), externals));
            checked.clear();
        }
        return registry;
    }

    @Override
    public synchronized void close() {
        if (registry != null) {
            registry.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
