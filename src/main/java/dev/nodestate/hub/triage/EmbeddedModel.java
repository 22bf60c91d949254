package dev.nodestate.hub.triage;

/** The triage model in-process (engine: embedded). */
final class EmbeddedModel {

    private EmbeddedModel() {
    }

    static ModelClient open(AgentDefinition d) {
        throw new IllegalStateException("engine: embedded is not available in this build; use engine: http with a model server");
    }
}
