package dev.nodestate.hub.cli;

import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/** What one CLI command needs, built on demand: the Python runtime, the checker, the tools. */
final class HubSession implements AutoCloseable {

    private PythonRuntime runtime;
    private dev.nodestate.hub.sandbox.WorkerPool workers;
    private final boolean owned;

    /** A session that starts its own runtime on first use (one context: one-shot commands are sequential). */
    HubSession() {
        this.owned = true;
    }

    /** A session on a runtime someone else owns (tests, a running daemon); closing leaves it running. */
    HubSession(PythonRuntime shared) {
        this.runtime = shared;
        this.owned = false;
    }

    /** The hub's own tools/ (next to the launcher), unless --tools says otherwise. */
    static Path defaultToolsDir() {
        return hubDir("tools");
    }

    /** The hub's own rules/ (the shipped rules), for repositories without a rules/ of their own. */
    static Path defaultRulesDir() {
        return hubDir("rules");
    }

    /** {@code explicit} if given, else the repository's own rules/, else the hub's. */
    static Path rulesDir(Path repo, Path explicit) {
        if (explicit != null) {
            return explicit.toAbsolutePath().normalize();
        }
        Path own = RepoRoot.of(repo).resolve("rules");
        return Files.isDirectory(own) ? own : defaultRulesDir();
    }

    /** The tool names of {@code dir} (the hub's tools/ when null), by their .pym file names: no Python starts. */
    static java.util.Set<String> toolNames(Path dir) {
        Path tools = dir != null ? dir : defaultToolsDir();
        try (java.util.stream.Stream<Path> files = Files.isDirectory(tools) ? Files.list(tools) : java.util.stream.Stream.empty()) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pym"))
                    .map(n -> n.substring(0, n.length() - 4)).collect(java.util.stream.Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new dev.nodestate.hub.HubException(dev.nodestate.hub.HubException.ExitCode.FAILURE, "cannot list " + tools + ": "
                    + e.getMessage(), e);
        }
    }

    /** {@code explicit} if given, else the repository's own triage/, else the hub's. */
    static Path triageDir(Path repo, Path explicit) {
        if (explicit != null) {
            return explicit.toAbsolutePath().normalize();
        }
        Path own = repo.toAbsolutePath().normalize().resolve("triage");
        return Files.isDirectory(own) ? own : hubDir("triage");
    }

    private static Path hubDir(String name) {
        String home = System.getProperty("hub.home");
        Path base = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        Path dir = base.resolve(name);
        return Files.isDirectory(dir) ? dir : Path.of(name).toAbsolutePath();
    }

    PythonRuntime runtime() {
        return runtime(1);
    }

    /** The runtime, started with {@code lanes} contexts if this session starts it. */
    PythonRuntime runtime(int lanes) {
        if (runtime == null) {
            runtime = PythonRuntime.start(lanes).awaitReady();
        }
        return runtime;
    }

    /**
     * Where the long-running hub runs tools: worker processes it can kill ({@link dev.nodestate.hub.sandbox.WorkerPool}),
     * started in the background; {@code HUB_WORKERS=0} runs them in this JVM instead. A session on a shared runtime
     * (tests in one JVM) keeps using it.
     */
    dev.nodestate.hub.sandbox.Sandbox workers(int lanes, java.util.function.Consumer<String> log) {
        if (!owned || "0".equals(System.getenv("HUB_WORKERS"))) {
            return runtime(lanes);
        }
        if (workers == null) {
            workers = dev.nodestate.hub.sandbox.WorkerPool.start(dev.nodestate.hub.sandbox.WorkerPool.Options.defaults(lanes), log);
        }
        return workers;
    }

    PymChecker checker(Externals offered) {
        return new PymChecker(runtime(), offered);
    }

    ToolRegistry registry(Path toolsDir, Externals offered) {
        return new ToolRegistry(toolsDir, checker(offered));
    }

    ToolHost host() {
        return new ToolHost(runtime());
    }

    @Override
    public void close() {
        if (owned && workers != null) {
            workers.close();
        }
        if (owned && runtime != null) {
            runtime.close();
        }
    }
}
