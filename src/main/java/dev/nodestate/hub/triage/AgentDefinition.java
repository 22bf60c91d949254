package dev.nodestate.hub.triage;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The triage agent as {@code triage/agent.yaml} defines it.
 *
 * @param engine        {@code http} (an OpenAI-compatible server), {@code embedded} (a GGUF model in-process) or
 *                      {@code off} (the deterministic triage decides alone)
 * @param model         the model's name ({@code functiongemma-270m-it})
 * @param adapter       the LoRA adapter's name, or null; over HTTP it is the model name sent (vLLM serves an adapter
 *                      under its own name), and it shows in traces as {@code model:<model>+<adapter>}
 * @param baseUrl       the endpoint's base URL ({@code http://127.0.0.1:8080/v1}); {@code HUB_TRIAGE_URL} overrides it
 * @param apiKeyEnv     the environment variable holding the API key (never the key), or null
 * @param timeout       the deadline of one decision
 * @param budget        updates the model may approve per change (required ones not counted)
 * @param maxCandidates candidates offered per request (highest priority first; the rest are rejected unasked)
 * @param temperature   sampling temperature (0: greedy, the default)
 * @param fallback      what decides when the model cannot: {@code deterministic}
 * @param breakerFailures consecutive failures that open the breaker
 * @param breakerOpen   how long an open breaker sends no request
 * @param prompt        the instruction file, resolved against the triage directory
 * @param embeddedModel the GGUF file for {@code engine: embedded}, or null
 * @param embeddedLora  the LoRA GGUF for {@code engine: embedded}, or null
 * @param source        where it was read from ({@code triage/agent.yaml}), or {@code (built in)}
 */
public record AgentDefinition(String engine, String model, String adapter, String baseUrl, String apiKeyEnv,
                              Duration timeout, int budget, int maxCandidates, double temperature, String fallback,
                              int breakerFailures, Duration breakerOpen, Path prompt, Path embeddedModel,
                              Path embeddedLora, String source) {

    public static final String HTTP = "http";
    public static final String EMBEDDED = "embedded";
    public static final String OFF = "off";

    /** The definition used where no {@code triage/} directory exists: the deterministic triage alone. */
    public static AgentDefinition builtIn(int budget) {
        return new AgentDefinition(OFF, "functiongemma-270m-it", null, "http://127.0.0.1:8080/v1", null,
                Duration.ofMillis(1500), budget, 8, 0, "deterministic", 3, Duration.ofSeconds(60), null, null, null,
                "(built in)");
    }

    /** {@code model:functiongemma-270m-it+hub-triage}: who decided, for traces. */
    public String who() {
        return "model:" + model + (adapter == null ? "" : "+" + adapter);
    }

    /** The same definition with another base URL (HUB_TRIAGE_URL). */
    AgentDefinition withBaseUrl(String url) {
        return new AgentDefinition(engine, model, adapter, url, apiKeyEnv, timeout, budget, maxCandidates, temperature,
                fallback, breakerFailures, breakerOpen, prompt, embeddedModel, embeddedLora, source);
    }

    /** One line for {@code hub triage show} and the watch banner. */
    public String describe() {
        return switch (engine) {
            case OFF -> "deterministic triage (engine: off in " + source + ")";
            case EMBEDDED -> who() + " embedded (" + embeddedModel + (embeddedLora == null ? "" : " + " + embeddedLora)
                    + "), deadline " + timeout.toMillis() + " ms, fallback " + fallback;
            default -> who() + " at " + baseUrl + ", deadline " + timeout.toMillis() + " ms, budget " + budget
                    + ", fallback " + fallback;
        };
    }
}
