package dev.nodestate.hub.bench;

import dev.nodestate.hub.sandbox.PythonRuntime;
import java.time.Duration;
import java.time.Instant;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;

/**
 * Where a cold one-shot tool run spends its GraalPy time (issue 13), phase by phase in one fresh JVM, in the order
 * the hub meets them: the JVM until main, the engine, the first context, the first guest code (Python's core
 * initialisation), each module the hub's guest imports, a second context on the warm engine (what a second lane
 * costs), a trivial tool's compile and run, first and second time; then the hub's own path (PythonRuntime with one
 * lane, which evaluates guest.py) in the same process for comparison.
 *   bench/startup.sh --breakdown (on the hub's AOT cache: the classes GraalPy loads are the ones a tool run loads)
 */
public final class GraalPyStartup {

    private static long mark = System.nanoTime();

    private static void phase(String name) {
        long now = System.nanoTime();
        System.out.printf("  %-58s %7.0f ms%n", name, (now - mark) / 1e6);
        mark = System.nanoTime();
    }

    public static void main(String[] args) {
        Instant start = Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        System.out.printf("GraalPy start-up, phase by phase (one fresh JVM, %d cpus, %s)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("  %-58s %7d ms%n", "JVM start until main", Duration.between(start, Instant.now()).toMillis());
        mark = System.nanoTime();
        Engine engine = Engine.newBuilder("python").sandbox(SandboxPolicy.CONSTRAINED)
                .out(java.io.OutputStream.nullOutputStream()).err(java.io.OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false").build();
        phase("engine (" + engine.getImplementationName() + ")");
        Context first = context(engine);
        phase("first context built");
        first.eval("python", "None");
        phase("first guest code (Python core initialised)");
        for (String module : new String[] {"builtins", "sys", "types", "marshal", "enum", "functools", "re", "_json", "json", "ast"}) {
            first.eval("python", "import " + module);
            phase("import " + module);
        }
        String tool = "x = 1\nx + 1\n";
        first.eval("python", "code = compile(" + pyString(tool) + ", 'trivial.pym', 'exec')");
        phase("compile a trivial tool (first)");
        first.eval("python", "exec(code, {})");
        phase("run it (first)");
        first.eval("python", "exec(compile(" + pyString(tool) + ", 'trivial.pym', 'exec'), {})");
        phase("compile and run it again");
        first.eval("python", "import ast; ast.parse(" + pyString(tool) + ")");
        phase("ast.parse of the tool (the guest's prepare step)");
        Context second = context(engine);
        second.eval("python", "import json, ast, types, marshal");
        phase("second context on the warm engine, with the imports");
        second.close();
        first.close();
        engine.close();
        phase("contexts and engine closed");
        try (PythonRuntime runtime = PythonRuntime.start(1).awaitReady()) {
            phase("the hub's runtime, one lane (new engine, guest.py) after all that");
        }
    }

    private static Context context(Engine engine) {
        return Context.newBuilder("python").engine(engine).sandbox(SandboxPolicy.CONSTRAINED)
                .out(java.io.OutputStream.nullOutputStream()).err(java.io.OutputStream.nullOutputStream())
                .in(java.io.InputStream.nullInputStream())
                .allowHostAccess(org.graalvm.polyglot.HostAccess.CONSTRAINED)
                .allowIO(org.graalvm.polyglot.io.IOAccess.NONE).build();
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
}
