package dev.nodestate.hub.sandbox;

/**
 * One tool run handed to the sandbox: the script, its validated inputs and declared externals
 * (both as JSON), the host's callback for external calls, and the effective limits.
 *
 * @param sourceKey a content hash of {@code source}; compiled code is cached by it
 */
public record GuestRun(String tool, String filename, String source, String sourceKey, String inputsJson,
                       String externalsJson, HostCallback host, Limits limits) {

    /**
     * The host side of every {@code @external}: takes JSON arguments, answers {"error": msg}, a string result
     * raw as {@code "s" + text}, or any other result as {@code "m" + } its marshal bytes as Latin-1 chars
     * (GraalPy's {@code marshal.loads} runs as host code; its {@code json.loads} is interpreted Python).
     */
    @FunctionalInterface
    public interface HostCallback {
        String call(String external, String argumentsJson);
    }
}
