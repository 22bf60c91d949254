package dev.nodestate.hub.rules;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.diff.DiffBundle.Kind;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import java.time.Instant;
import java.util.List;

/** Diff bundles and node states for rule tests: a changed Python function unless told otherwise. */
final class Changes {

    Kind kind = Kind.CHANGED;
    String file = "src/pkg/mod.py";
    String language = "python";
    NodeState.Type type = NodeState.Type.FUNCTION;
    boolean signatureChanged;
    boolean docstringChanged;
    boolean docstringOutdated;
    List<String> decoratorsAdded = List.of();
    int complexityDelta;
    Double drift = 0.0;
    int linesAdded = 1;
    int linesRemoved = 1;
    List<String> callsAdded = List.of();
    List<String> callsRemoved = List.of();
    boolean withAst = true;

    static Changes changed() {
        return new Changes();
    }

    String id() {
        return file + "::Calc.add";
    }

    DiffBundle bundle() {
        var structural = new DiffBundle.Structural(signatureChanged, "def add(self, x)", signatureChanged ? "def add(self, x, y)" : "def add(self, x)",
                signatureChanged, signatureChanged ? List.of("y") : List.of(), List.of(), false, null, null, decoratorsAdded,
                List.of(), docstringChanged, false, null, null, false);
        var ast = withAst ? new DiffBundle.Ast(3, 3 + complexityDelta, complexityDelta, 0, 0, 0, callsAdded, callsRemoved) : null;
        return new DiffBundle(id(), kind, null, file, language, type, new DiffBundle.Standard(linesAdded, linesRemoved, "@@"),
                structural, ast, drift == null ? null : new DiffBundle.Embedding(drift, "tfidf"), docstringOutdated);
    }

    NodeState node(Integer complexity) {
        NodeState n = NodeState.create(NodeId.parse(id()), "add", type, "src", "file", Instant.parse("2026-01-01T00:00:00Z"),
                NodeState.Source.FILE_CHANGE);
        var changes = new java.util.HashMap<String, Object>();
        changes.put("complexity", complexity);
        changes.put("language", language);
        return n.with(changes);
    }
}
