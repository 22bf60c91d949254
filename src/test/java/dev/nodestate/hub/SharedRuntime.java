package dev.nodestate.hub;

import dev.nodestate.hub.sandbox.PythonRuntime;

/**
 * One GraalPy runtime for the whole test JVM: creating an engine and warm contexts costs seconds,
 * so every test that runs Python borrows this one. It is never closed; the JVM exit ends it.
 */
public final class SharedRuntime {

    private static PythonRuntime runtime;

    private SharedRuntime() {
    }

    public static synchronized PythonRuntime get() {
        if (runtime == null) {
            runtime = PythonRuntime.start(2).awaitReady();
        }
        return runtime;
    }
}
