package dev.nodestate.hub.diff;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.nodestate.hub.store.NodeState;
import java.util.List;

/**
 * Everything the hub knows about one node's change: what kind of change, and the four views of it
 * (line, structural, AST and semantic). Rules read it; traces and {@code hub rules explain} show it.
 * JSON names are snake_case ({@code diff_standard}, {@code diff_structural}, {@code diff_ast},
 * {@code diff_embedding}).
 *
 * @param nodeId            the node's id after the change (before it, for a removed node)
 * @param kind              added, removed, changed, moved (same source hash, new place) or renamed
 * @param previousId        the id before a move or rename, else null
 * @param file              repo-relative file of the node after the change (before it, if removed)
 * @param language          "python" or "java"
 * @param nodeType          function, class or module
 * @param standard          line view
 * @param structural        signature / parameter / decorator / docstring / visibility view
 * @param ast               complexity, control flow and call view
 * @param embedding         semantic drift between old and new body
 * @param docstringOutdated the signature changed and the docstring did not
 * @param sourceHash        the node's source hash after the change (before it, for a removed node);
 *                          {@link Differ#pairAcrossFiles} pairs removed and added nodes by it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DiffBundle(
        String nodeId,
        Kind kind,
        String previousId,
        String file,
        String language,
        NodeState.Type nodeType,
        @JsonProperty("diff_standard") Standard standard,
        @JsonProperty("diff_structural") Structural structural,
        @JsonProperty("diff_ast") Ast ast,
        @JsonProperty("diff_embedding") Embedding embedding,
        boolean docstringOutdated,
        String sourceHash) {

    /** A bundle without a source hash (it then takes part in no cross-file pairing). */
    public DiffBundle(String nodeId, Kind kind, String previousId, String file, String language,
                      NodeState.Type nodeType, Standard standard, Structural structural, Ast ast,
                      Embedding embedding, boolean docstringOutdated) {
        this(nodeId, kind, previousId, file, language, nodeType, standard, structural, ast, embedding,
                docstringOutdated, null);
    }

    /** In short: {@code changed; signature def f(x) -> def f(x, y); lines +3 -1; calls added g; complexity 2 -> 4}. */
    public String summary() {
        DiffBundle b = this;
        java.util.List<String> parts = new java.util.ArrayList<>();
        parts.add(b.kind().name().toLowerCase(java.util.Locale.ROOT) + (b.previousId() == null ? "" : " from " + b.previousId()));
        Structural s = b.structural();
        if (s != null) {
            if (s.signatureChanged()) {
                parts.add("signature " + s.oldSignature() + " -> " + s.newSignature());
            }
            java.util.List<String> flags = new java.util.ArrayList<>();
            if (s.parametersChanged()) {
                flags.add("parameters");
            }
            if (s.returnTypeChanged()) {
                flags.add("return type");
            }
            if (s.docstringChanged()) {
                flags.add("docstring");
            }
            if (s.visibilityChanged()) {
                flags.add("visibility");
            }
            if (s.exportChanged()) {
                flags.add("export");
            }
            if (!flags.isEmpty()) {
                parts.add("changed: " + String.join(", ", flags));
            }
        }
        if (b.standard() != null) {
            parts.add("lines +" + b.standard().linesAdded() + " -" + b.standard().linesRemoved());
        }
        Ast a = b.ast();
        if (a != null) {
            if (a.callsAdded() != null && !a.callsAdded().isEmpty()) {
                parts.add("calls added " + String.join(", ", a.callsAdded()));
            }
            if (a.callsRemoved() != null && !a.callsRemoved().isEmpty()) {
                parts.add("calls removed " + String.join(", ", a.callsRemoved()));
            }
            if (a.complexityDelta() != 0) {
                parts.add("complexity " + a.complexityBefore() + " -> " + a.complexityAfter());
            }
        }
        if (b.embedding() != null && b.embedding().drift() > 0) {
            parts.add(String.format(java.util.Locale.ROOT, "semantic drift %.2f", b.embedding().drift()));
        }
        if (b.docstringOutdated()) {
            parts.add("docstring may be outdated");
        }
        return String.join("; ", parts);
    }

    public enum Kind {
        @JsonProperty("added") ADDED,
        @JsonProperty("removed") REMOVED,
        @JsonProperty("changed") CHANGED,
        @JsonProperty("moved") MOVED,
        @JsonProperty("renamed") RENAMED
    }

    /** Lines added and removed inside the node, and a unified hunk of the node's text. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Standard(int linesAdded, int linesRemoved, String hunk) {
    }

    /**
     * Structural changes. Parameters are compared by name; {@code returnType} is the annotation
     * or declared type, null when there is none.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Structural(boolean signatureChanged, String oldSignature, String newSignature,
                             boolean parametersChanged, List<String> parametersAdded, List<String> parametersRemoved,
                             boolean returnTypeChanged, String oldReturnType, String newReturnType,
                             List<String> decoratorsAdded, List<String> decoratorsRemoved,
                             boolean docstringChanged, boolean visibilityChanged, String oldVisibility,
                             String newVisibility, boolean exportChanged) {
    }

    /** AST view: complexity delta and control-flow / call counts before and after. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ast(Integer complexityBefore, Integer complexityAfter, int complexityDelta,
                      int branchesDelta, int loopsDelta, int tryDelta,
                      List<String> callsAdded, List<String> callsRemoved) {
    }

    /** Semantic drift in [0, 1]: 0 same features, 1 nothing in common. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Embedding(double drift, String vectoriser) {
    }
}
