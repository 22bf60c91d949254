package dev.nodestate.hub.diff;

import dev.nodestate.hub.lang.SemanticVector;
import dev.nodestate.hub.lang.SourceTokens;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Turns two versions of a file into {@link DiffBundle}s, one per node that changed.
 *
 * <p>Nodes are matched by id. A node present in both versions whose source hash, signature,
 * docstring, decorators and complexity are equal is unchanged and gets no bundle, whatever its
 * line range (an edit above it only shifts it). Of the nodes present in only one version, a
 * removed and an added one are paired, each at most once:
 * <ol>
 *   <li>MOVED when their source hashes are equal (a method moved to another class); among
 *       several candidates, one with the same bare name wins, else the first;</li>
 *   <li>RENAMED when they are of the same node type and their bodies, each without the tokens
 *       of its own bare name, drift by at most {@value #RENAME_DRIFT} (see
 *       {@link SemanticVector}; numbers, strings and comments are not features, so two tiny
 *       bodies that differ only in those also pair); the closest pairs are taken first.</li>
 * </ol>
 * The rest are ADDED or REMOVED. Bundles come in the order of the new version's nodes, then the
 * removed nodes in the old version's order.
 *
 * <p>Bodies are the file's lines {@code start_line..end_line} (1-based, inclusive). For an added
 * node the old side is empty, for a removed one the new side. When a needed body is unknown
 * (its file version has no text), {@code diff_standard} and {@code diff_embedding} are null and
 * the AST view has only the complexities.
 *
 * <p>Structural view: {@code signature_changed}, {@code parameters_changed} (a parameter's text
 * or their order changed), {@code return_type_changed}, {@code docstring_changed} and
 * {@code visibility_changed} are only true when both sides exist; parameters and decorators
 * added/removed (decorators as multisets) compare the absent side as having none, so an added
 * function lists all its parameters. {@code export_changed}: the node is public on one side and
 * not on the other, an absent side counting as not public. AST view: complexity delta treats an
 * unknown complexity as 0. {@code docstring_outdated}: the signature changed, the docstring did
 * not, and it is not empty.
 */
public final class Differ {

    /** Most drift of two bodies without their names for a removed and an added node to be a rename. */
    public static final double RENAME_DRIFT = 0.1;

    private Differ() {
    }

    /** One side of a node: its state, its body lines (null if unknown) and their tokens. */
    private record Side(NodeState node, String language, NodeState parent, List<String> lines,
                        List<SourceTokens.Token> tokens) {

        static Side of(FileVersion file, NodeState node, Map<String, NodeState> byKey) {
            NodeState parent = node.parent() == null ? null : byKey.get("node:" + node.parent());
            if (file.text() == null) {
                return new Side(node, file.language(), parent, null, List.of());
            }
            List<String> all = file.text().lines().toList();
            int start = node.startLine() == null ? 1 : Math.max(1, node.startLine());
            int end = node.endLine() == null ? all.size() : Math.min(all.size(), node.endLine());
            List<String> lines = start > end ? List.of() : all.subList(start - 1, end);
            return new Side(node, file.language(), parent, lines,
                    SourceTokens.of(file.language(), String.join("\n", lines)));
        }

        int firstLine() {
            return node.startLine() == null ? 1 : node.startLine();
        }

        SemanticVector vector() {
            return SemanticVector.of(tokens);
        }

        /** The body's vector without the tokens of the node's own bare name. */
        SemanticVector vectorWithoutName() {
            String name = Signatures.simpleName(node.nodeName());
            return SemanticVector.of(tokens.stream().filter(t -> !t.text().equals(name)).toList());
        }

        String visibility() {
            return Signatures.visibility(language, node, parent);
        }
    }

    /** What the structural view compares of one side; {@code present} false for an absent side. */
    private record Facet(boolean present, String signature, List<String> decorators, String visibility) {
        static final Facet ABSENT = new Facet(false, null, List.of(), null);
    }

    /** Bundles for the nodes that differ between {@code before} (null: a new file) and {@code after} (null: a deleted file). */
    public static List<DiffBundle> compare(FileVersion before, FileVersion after) {
        if (before == null && after == null) {
            throw new IllegalArgumentException("compare needs at least one version of the file; both are null");
        }
        if (before != null && after != null && !before.language().equalsIgnoreCase(after.language())) {
            throw new IllegalArgumentException("versions of " + after.path() + " differ in language: "
                    + before.language() + " before, " + after.language() + " after");
        }
        Map<String, Side> old = sides(before);
        Map<String, Side> neu = sides(after);
        List<Side> added = neu.values().stream().filter(s -> !old.containsKey(s.node().key())).toList();
        List<Side> removed = old.values().stream().filter(s -> !neu.containsKey(s.node().key())).toList();
        // sides are values with long token lists: key them by identity
        Map<Side, Side> partner = new IdentityHashMap<>();
        Map<Side, DiffBundle.Kind> pairKind = new IdentityHashMap<>();
        pairMoves(added, removed, partner, pairKind);
        pairRenames(added, removed, partner, pairKind);

        List<DiffBundle> out = new ArrayList<>();
        for (Side n : neu.values()) {
            Side o = old.get(n.node().key());
            if (o != null) {
                if (!unchanged(o.node(), n.node())) {
                    out.add(bundle(DiffBundle.Kind.CHANGED, o, n));
                }
            } else if (partner.containsKey(n)) {
                out.add(bundle(pairKind.get(n), partner.get(n), n));
            } else {
                out.add(bundle(DiffBundle.Kind.ADDED, null, n));
            }
        }
        Set<Side> paired = identitySet();
        paired.addAll(partner.values());
        for (Side o : removed) {
            if (!paired.contains(o)) {
                out.add(bundle(DiffBundle.Kind.REMOVED, o, null));
            }
        }
        return out;
    }

    /**
     * Pairs, across files, a REMOVED bundle with an ADDED one of the same source hash, node type
     * and language into one MOVED bundle (at the added one's place; among several candidates
     * one with the same bare name wins, else the first). The bodies are equal, so the moved
     * bundle has no line changes, no drift and no control-flow change; its structural view
     * compares the removed node's old side with the added node's new side, its docstring counts
     * as unchanged (a Java javadoc lies outside the hashed range, so a changed one goes unseen).
     * Bundles without a source hash are left as they are.
     */
    public static List<DiffBundle> pairAcrossFiles(List<DiffBundle> bundles) {
        List<DiffBundle> out = new ArrayList<>(bundles);
        Set<DiffBundle> used = identitySet();
        for (int i = 0; i < out.size(); i++) {
            DiffBundle a = out.get(i);
            if (a.kind() != DiffBundle.Kind.ADDED || a.sourceHash() == null) {
                continue;
            }
            DiffBundle best = null;
            for (DiffBundle r : bundles) {
                if (r.kind() == DiffBundle.Kind.REMOVED && !used.contains(r) && a.sourceHash().equals(r.sourceHash())
                        && !Objects.equals(a.file(), r.file()) && a.nodeType() == r.nodeType()
                        && Objects.equals(a.language(), r.language())
                        && (best == null || sameBareName(r.nodeId(), a.nodeId()) && !sameBareName(best.nodeId(), a.nodeId()))) {
                    best = r;
                }
            }
            if (best != null) {
                used.add(best);
                out.set(i, movedAcross(best, a));
            }
        }
        out.removeIf(used::contains);
        return out;
    }

    private static DiffBundle movedAcross(DiffBundle r, DiffBundle a) {
        DiffBundle.Structural rs = r.structural();
        DiffBundle.Structural as = a.structural();
        Facet old = rs == null ? new Facet(true, null, List.of(), null)
                : new Facet(true, rs.oldSignature(), rs.decoratorsRemoved(), rs.oldVisibility());
        Facet neu = as == null ? new Facet(true, null, List.of(), null)
                : new Facet(true, as.newSignature(), as.decoratorsAdded(), as.newVisibility());
        Integer before = r.ast() == null ? null : r.ast().complexityBefore();
        Integer after = a.ast() == null ? null : a.ast().complexityAfter();
        return new DiffBundle(a.nodeId(), DiffBundle.Kind.MOVED, r.nodeId(), a.file(), a.language(), a.nodeType(),
                new DiffBundle.Standard(0, 0, ""), structural(a.language(), a.nodeType(), old, neu, false),
                new DiffBundle.Ast(before, after, orZero(after) - orZero(before), 0, 0, 0, List.of(), List.of()),
                new DiffBundle.Embedding(0, SemanticVector.VERSION), false, a.sourceHash());
    }

    private static boolean sameBareName(String idA, String idB) {
        return Signatures.simpleName(NodeId.parse(idA).name())
                .equals(Signatures.simpleName(NodeId.parse(idB).name()));
    }

    private static Map<String, Side> sides(FileVersion file) {
        Map<String, Side> out = new LinkedHashMap<>();
        if (file == null) {
            return out;
        }
        Map<String, NodeState> byKey = new HashMap<>();
        for (NodeState n : file.nodes()) {
            if (!n.filePath().equals(file.path())) {
                throw new IllegalArgumentException("node " + n.key() + " is not in file " + file.path()
                        + "; a file version holds only its own nodes");
            }
            byKey.put(n.key(), n);
        }
        for (NodeState n : file.nodes()) {
            out.put(n.key(), Side.of(file, n, byKey));
        }
        return out;
    }

    private static boolean unchanged(NodeState o, NodeState n) {
        return o.sourceHash().equals(n.sourceHash()) && Objects.equals(o.signature(), n.signature())
                && Objects.equals(o.docstring(), n.docstring()) && o.decorators().equals(n.decorators())
                && Objects.equals(o.complexity(), n.complexity());
    }

    private static void pairMoves(List<Side> added, List<Side> removed, Map<Side, Side> partner,
                                  Map<Side, DiffBundle.Kind> pairKind) {
        Set<Side> taken = identitySet();
        for (Side n : added) {
            Side best = null;
            for (Side o : removed) {
                if (!taken.contains(o) && o.node().sourceHash().equals(n.node().sourceHash())
                        && o.node().nodeType() == n.node().nodeType()
                        && (best == null || sameBareName(o, n) && !sameBareName(best, n))) {
                    best = o;
                }
            }
            if (best != null) {
                taken.add(best);
                partner.put(n, best);
                pairKind.put(n, DiffBundle.Kind.MOVED);
            }
        }
    }

    private static boolean sameBareName(Side a, Side b) {
        return Signatures.simpleName(a.node().nodeName()).equals(Signatures.simpleName(b.node().nodeName()));
    }

    private static void pairRenames(List<Side> added, List<Side> removed, Map<Side, Side> partner,
                                    Map<Side, DiffBundle.Kind> pairKind) {
        record Candidate(Side o, Side n, double drift, int order) {
        }
        Set<Side> taken = identitySet();
        taken.addAll(partner.values());
        List<Candidate> candidates = new ArrayList<>();
        Map<Side, SemanticVector> vectors = new IdentityHashMap<>();
        for (Side n : added) {
            if (partner.containsKey(n) || n.lines() == null) {
                continue;
            }
            for (Side o : removed) {
                if (taken.contains(o) || o.lines() == null || o.node().nodeType() != n.node().nodeType()) {
                    continue;
                }
                double drift = vectors.computeIfAbsent(o, Side::vectorWithoutName)
                        .drift(vectors.computeIfAbsent(n, Side::vectorWithoutName));
                if (drift <= RENAME_DRIFT) {
                    candidates.add(new Candidate(o, n, drift, candidates.size()));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::drift).thenComparingInt(Candidate::order));
        for (Candidate c : candidates) {
            if (!taken.contains(c.o()) && !partner.containsKey(c.n())) {
                taken.add(c.o());
                partner.put(c.n(), c.o());
                pairKind.put(c.n(), DiffBundle.Kind.RENAMED);
            }
        }
    }

    private static DiffBundle bundle(DiffBundle.Kind kind, Side o, Side n) {
        Side main = n != null ? n : o;
        NodeState node = main.node();
        String language = main.language();
        boolean known = (o == null || o.lines() != null) && (n == null || n.lines() != null);

        DiffBundle.Standard standard = null;
        DiffBundle.Embedding embedding = null;
        BodyFacts before = BodyFacts.NONE;
        BodyFacts after = BodyFacts.NONE;
        if (known) {
            LineDiff.Result lines = LineDiff.of(o == null ? List.of() : o.lines(), o == null ? 1 : o.firstLine(),
                    n == null ? List.of() : n.lines(), n == null ? 1 : n.firstLine());
            standard = new DiffBundle.Standard(lines.added(), lines.removed(), lines.hunk());
            SemanticVector ov = o == null ? SemanticVector.of(List.of()) : o.vector();
            SemanticVector nv = n == null ? SemanticVector.of(List.of()) : n.vector();
            embedding = new DiffBundle.Embedding(ov.drift(nv), SemanticVector.VERSION);
            before = o == null ? BodyFacts.NONE : BodyFacts.of(language, o.tokens());
            after = n == null ? BodyFacts.NONE : BodyFacts.of(language, n.tokens());
        }
        Integer cBefore = o == null ? null : o.node().complexity();
        Integer cAfter = n == null ? null : n.node().complexity();
        DiffBundle.Ast ast = new DiffBundle.Ast(cBefore, cAfter, orZero(cAfter) - orZero(cBefore),
                after.branches() - before.branches(), after.loops() - before.loops(), after.tries() - before.tries(),
                minus(after.calls(), before.calls()), minus(before.calls(), after.calls()));

        DiffBundle.Structural structural = structural(language, node.nodeType(), facet(o), facet(n),
                o != null && n != null && !Objects.equals(o.node().docstring(), n.node().docstring()));
        String docstring = n == null ? null : n.node().docstring();
        boolean outdated = structural.signatureChanged() && !structural.docstringChanged()
                && docstring != null && !docstring.isBlank();
        String previousId = kind == DiffBundle.Kind.MOVED || kind == DiffBundle.Kind.RENAMED ? o.node().id().toString() : null;
        return new DiffBundle(node.id().toString(), kind, previousId, node.filePath(), language, node.nodeType(),
                standard, structural, ast, embedding, outdated, node.sourceHash());
    }

    private static Facet facet(Side s) {
        return s == null ? Facet.ABSENT : new Facet(true, s.node().signature(), s.node().decorators(), s.visibility());
    }

    private static DiffBundle.Structural structural(String language, NodeState.Type type, Facet o, Facet n,
                                                    boolean docstringChanged) {
        boolean both = o.present() && n.present();
        Signatures.Parts op = Signatures.parse(language, type, o.signature());
        Signatures.Parts np = Signatures.parse(language, type, n.signature());
        return new DiffBundle.Structural(
                both && !Objects.equals(o.signature(), n.signature()), o.signature(), n.signature(),
                both && !op.parameters().equals(np.parameters()),
                minus(np.names(), op.names()), minus(op.names(), np.names()),
                both && !Objects.equals(op.returnType(), np.returnType()), op.returnType(), np.returnType(),
                minus(n.decorators(), o.decorators()), minus(o.decorators(), n.decorators()),
                both && docstringChanged,
                both && !Objects.equals(o.visibility(), n.visibility()), o.visibility(), n.visibility(),
                "public".equals(o.visibility()) != "public".equals(n.visibility()));
    }

    /** The elements of {@code a} not matched one-for-one by an element of {@code b}, in {@code a}'s order. */
    private static List<String> minus(java.util.Collection<String> a, java.util.Collection<String> b) {
        Map<String, Integer> left = new HashMap<>();
        b.forEach(x -> left.merge(x, 1, Integer::sum));
        List<String> out = new ArrayList<>();
        for (String x : a) {
            if (left.getOrDefault(x, 0) > 0) {
                left.merge(x, -1, Integer::sum);
            } else {
                out.add(x);
            }
        }
        return List.copyOf(out);
    }

    private static <T> Set<T> identitySet() {
        return java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
