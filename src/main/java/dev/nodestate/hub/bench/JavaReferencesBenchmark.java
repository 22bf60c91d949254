package dev.nodestate.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.lang.JavaReferences;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Prints figures for {@link JavaReferences} (not a test): the references of every Java file of a
 * tree, three times — cold (new JVM, new index: scan, parse, resolve), again on the same index after
 * {@code changed()} of one file (trees kept, every resolution redone), and with a new index in the
 * warm JVM — each with the solved / name-arity / external / unresolved counts; also the cold load
 * (scan and parse), the cost of one {@code changed()} and the heap the index keeps. Default tree:
 * commons-lang3's sources as Maven unpacks them ({@code mvn generate-test-resources}).
 *
 * <p>Run: {@code HUB_MAIN=dev.nodestate.hub.bench.JavaReferencesBenchmark ./hub [--src DIR] [--json]}.
 */
public final class JavaReferencesBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws IOException {
        Path src = Path.of("target/reference/commons-lang3");
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--src" -> src = Path.of(args[++i]);
                case "--json" -> json = true;
                default -> {
                    System.err.println("java references benchmark: unknown option " + args[i] + "; usage: [--src DIR] [--json]");
                    System.exit(2);
                }
            }
        }
        if (!Files.isDirectory(src)) {
            System.err.println("no Java sources at " + src + ": run 'mvn generate-test-resources' or pass --src DIR");
            System.exit(2);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(src)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("source", src.toString()).put("files", files.size()).put("cpus", Runtime.getRuntime().availableProcessors())
                .put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                .put("java", Runtime.version().toString());
        JavaReferences refs = new JavaReferences(src);
        long t = System.nanoTime();
        long cpu = THREAD.getCurrentThreadCpuTime();
        refs.load();
        double load = (System.nanoTime() - t) / 1e9;
        System.err.printf(Locale.ROOT, "%-40s %5.1f s (thread CPU %5.1f s)  %d callables indexed%n", "cold load: scan and parse", load,
                (THREAD.getCurrentThreadCpuTime() - cpu) / 1e9, refs.indexedCallables());
        doc.put("cold_load_seconds", load);
        doc.set("cold", pass(refs, files, "cold: resolve every file"));
        System.gc();
        long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        System.err.printf(Locale.ROOT, "%-40s %5d MB%n", "heap in use after a GC", heap);
        doc.put("heap_mb_after_cold", heap);
        t = System.nanoTime();
        refs.changed(refs.root().relativize(files.getFirst().toRealPath()).toString());
        double changed = (System.nanoTime() - t) / 1e9;
        System.err.printf(Locale.ROOT, "%-40s %5.3f s%n", "changed() of one file", changed);
        doc.put("changed_seconds", changed);
        doc.set("after_change", pass(refs, files, "same index after changed(): every file"));
        doc.set("warm_new_index", pass(new JavaReferences(src), files, "warm JVM, new index: load + resolve"));
        doc.put("indexed_callables", refs.indexedCallables());
        if (json) {
            System.out.println(JSON.writeValueAsString(doc));
        }
    }

    private static ObjectNode pass(JavaReferences refs, List<Path> files, String label) throws IOException {
        long[] counts = new long[4];
        long calls = 0;
        long errors = 0;
        long t = System.nanoTime();
        long cpu = THREAD.getCurrentThreadCpuTime();
        for (Path file : files) {
            String path = refs.root().relativize(file.toRealPath()).toString();
            JsonNode out = refs.references(path, Files.readString(file, StandardCharsets.UTF_8));
            JsonNode c = out.path("counts");
            counts[0] += c.path("solved").asLong();
            counts[1] += c.path("name_arity").asLong();
            counts[2] += c.path("external").asLong();
            counts[3] += c.path("unresolved").asLong();
            errors += out.path("error").isNull() ? 0 : 1;
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        double cpuSeconds = (THREAD.getCurrentThreadCpuTime() - cpu) / 1e9;
        for (long n : counts) {
            calls += n;
        }
        System.err.printf(Locale.ROOT, "%-40s %5.1f s (thread CPU %5.1f s)  %6d calls (%4.0f calls/CPU-s)  solved %d  name-arity %d  external %d  unresolved %d  parse errors %d%n",
                label, seconds, cpuSeconds, calls, calls / cpuSeconds, counts[0], counts[1], counts[2], counts[3], errors);
        ObjectNode n = JSON.createObjectNode();
        n.put("seconds", seconds).put("thread_cpu_seconds", cpuSeconds).put("calls", calls).put("solved", counts[0]).put("name_arity", counts[1])
                .put("external", counts[2]).put("unresolved", counts[3]).put("parse_errors", errors);
        return n;
    }
}
