package dev.nodestate.hub.triage;

import java.time.Duration;
import java.util.List;

/** A triage model behind some transport: asked with functions to call, it answers with calls. */
interface ModelClient extends AutoCloseable {

    /** What the model is asked: the instruction (developer turn), the functions offered, the change (user turn). */
    record Ask(String instruction, List<FunctionGemma.Function> functions, String user) {
    }

    /** The model gave no usable answer; {@code cause} is short ("timeout", "refused", "http 503", "no usable answer"). */
    final class Failure extends Exception {
        final String cause;

        Failure(String cause, String detail) {
            super(detail, null, false, false);
            this.cause = cause;
        }
    }

    /** The calls the model made, within {@code deadline}; throws {@link Failure} for anything else. */
    List<FunctionGemma.Call> ask(Ask ask, Duration deadline) throws Failure;

    @Override
    default void close() {
    }
}
