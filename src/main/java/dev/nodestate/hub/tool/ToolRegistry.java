package dev.nodestate.hub.tool;

import dev.nodestate.hub.DirectoryWatch;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.sandbox.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The tools in a {@code tools/} directory. Loads every {@code *.pym} at start; with
 * {@link #watch()} it reloads a tool when its file changes or appears and drops it when deleted,
 * without a restart. A broken tool stays listed with its findings and does not run.
 */
public final class ToolRegistry implements AutoCloseable {

    /** What happened to a tool on reload. */
    public record Change(String tool, String what) {
    }

    private final Path directory;
    private final PymChecker checker;
    private final Map<String, PymTool> tools = new ConcurrentSkipListMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private DirectoryWatch watch;

    public ToolRegistry(Path directory, PymChecker checker) {
        this.directory = directory.toAbsolutePath().normalize();
        this.checker = checker;
        if (!Files.isDirectory(this.directory)) {
            throw new HubException(HubException.ExitCode.NOT_FOUND, "tools directory " + this.directory
                    + " does not exist; create it or pass --tools DIR");
        }
        try (Stream<Path> files = Files.list(this.directory)) {
            files.filter(ToolRegistry::isTool).sorted().forEach(this::load);
        } catch (IOException e) {
            throw new HubException(HubException.ExitCode.FAILURE, "cannot list " + this.directory + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return directory;
    }

    public List<PymTool> list() {
        return List.copyOf(tools.values());
    }

    public PymTool get(String name) {
        PymTool tool = tools.get(name);
        if (tool == null) {
            throw new HubException(HubException.ExitCode.NOT_FOUND, "no tool '" + name + "' in " + directory
                    + "; known tools: " + String.join(", ", tools.keySet()));
        }
        return tool;
    }

    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /** Starts watching the directory; changes apply in the background. */
    public synchronized ToolRegistry watch() {
        if (watch == null) {
            watch = DirectoryWatch.start(directory, "hub-tools-watch", p -> p.toString().endsWith(".pym"),
                    Duration.ofMillis(50), Duration.ofSeconds(2), batch -> {
                        if (batch.overflow()) {
                            rescan();
                        } else {
                            batch.touched().forEach(this::refresh);
                        }
                    });
        }
        return this;
    }

    /** Re-reads the whole directory (also used after a watch overflow). */
    public void rescan() {
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : files.filter(ToolRegistry::isTool).sorted().toList()) {
                seen.add(nameOf(p));
                refresh(p);
            }
        } catch (IOException e) {
            System.err.println("hub: cannot list " + directory + ": " + e.getMessage());
        }
        for (String name : new ArrayList<>(tools.keySet())) {
            if (!seen.contains(name)) {
                refresh(directory.resolve(name + ".pym"));
            }
        }
    }

    /** Loads, reloads or drops the tool at {@code file} according to what is on disk now. */
    public void refresh(Path file) {
        String name = nameOf(file);
        if (!Files.isRegularFile(file)) {
            if (tools.remove(name) != null) {
                fire(new Change(name, "removed"));
            }
            return;
        }
        PymTool before = tools.get(name);
        PymTool after = load(file);
        if (after != null && (before == null || !before.sha256().equals(after.sha256()))) {
            fire(new Change(name, (before == null ? "added" : "reloaded") + (after.broken() ? " (broken)" : "")));
        }
    }

    private PymTool load(Path file) {
        try {
            String source = Files.readString(file, StandardCharsets.UTF_8);
            PymTool tool = checker.check(file, source);
            tools.put(tool.name(), tool);
            if (tool.broken()) {
                System.err.println("hub: tool " + tool.name() + " is broken and will not run:");
                tool.findings().stream().filter(Finding::isError)
                        .forEach(f -> System.err.println("  " + file + ":" + f.describe()));
            }
            return tool;
        } catch (IOException | RuntimeException e) {
            System.err.println("hub: cannot load " + file + ": " + e.getMessage());
            return null;
        }
    }

    private void fire(Change change) {
        listeners.forEach(l -> l.accept(change));
    }

    private static boolean isTool(Path p) {
        return p.getFileName().toString().endsWith(".pym") && Files.isRegularFile(p);
    }

    private static String nameOf(Path p) {
        return p.getFileName().toString().replaceFirst("\\.pym$", "");
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
