package dev.nodestate.hub.sandbox;

import dev.nodestate.hub.HubException;

/** A tool run that failed; {@link #error()} says how. */
public final class ToolException extends HubException {

    private final ToolError error;

    public ToolException(ToolError error) {
        super(ExitCode.TOOL_FAILED, error.describe());
        this.error = error;
    }

    public ToolError error() {
        return error;
    }
}
