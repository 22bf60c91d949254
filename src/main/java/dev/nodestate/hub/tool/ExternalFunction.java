package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A host capability a tool can declare as {@code @external}. Arguments arrive by parameter name,
 * already checked against the tool's declared types. Throw {@link ExternalFailure} with a message
 * for the script; it surfaces there as a catchable {@code ExternalError}.
 */
@FunctionalInterface
public interface ExternalFunction {

    JsonNode call(ObjectNode arguments) throws ExternalFailure;

    /** A failure the script sees as its message. */
    final class ExternalFailure extends Exception {
        public ExternalFailure(String message) {
            super(message);
        }
    }
}
