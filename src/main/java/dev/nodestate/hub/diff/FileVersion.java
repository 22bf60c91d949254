package dev.nodestate.hub.diff;

import dev.nodestate.hub.lang.SourceTokens;
import dev.nodestate.hub.store.NodeState;
import java.util.List;

/**
 * One version of a file as the hub saw it: its nodes and, when known, its text.
 *
 * @param path     repo-relative path
 * @param language "python" or "java"
 * @param text     the whole file's text, or null when the hub does not have it (then the views
 *                 that need node bodies are left empty, see {@link Differ})
 * @param nodes    the file's nodes, null read as none
 */
public record FileVersion(String path, String language, String text, List<NodeState> nodes) {
    public FileVersion {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a file version needs a path (language " + language + ")");
        }
        SourceTokens.isPython(language);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }
}
