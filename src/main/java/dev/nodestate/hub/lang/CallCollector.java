package dev.nodestate.hub.lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.stmt.ExplicitConstructorInvocationStmt;
import com.github.javaparser.resolution.declarations.ResolvedMethodLikeDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedTypeParameterDeclaration;
import com.github.javaparser.resolution.model.SymbolReference;
import com.github.javaparser.resolution.types.ResolvedType;
import com.github.javaparser.symbolsolver.javaparsermodel.JavaParserFacade;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** The calls of one parsed file, resolved: one {@link JavaReferences#references} answer. */
final class CallCollector {

    enum How {
        SOLVED("solved"), NAME_ARITY("name-arity"), EXTERNAL("external"), UNRESOLVED("unresolved");

        final String label;

        How(String label) {
            this.label = label;
        }
    }

    /** Where a call leads: a node id, a signature outside the repository, or nowhere. */
    record Target(How how, String id, String external) {
        static final Target UNRESOLVED = new Target(How.UNRESOLVED, null, null);
    }

    private final JavaReferences refs;
    private final String file;
    private final ParsedSources.Parsed parsed;
    private final int[] offsets;
    private final int[] counts = new int[How.values().length];
    private final Map<Node, String> ownerNames = new java.util.IdentityHashMap<>();

    CallCollector(JavaReferences refs, String file, ParsedSources.Parsed parsed) {
        this.refs = refs;
        this.file = file;
        this.parsed = parsed;
        this.offsets = lineOffsets(parsed.text());
    }

    ObjectNode collect() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        ObjectNode calls = out.putObject("calls");
        Optional<CompilationUnit> unit = parsed.unit();
        if (unit.isPresent()) {
            JavaParserFacade facade = refs.facade();
            unit.get().walk(Node.TreeTraversal.PREORDER, n -> {
                if (n instanceof MethodCallExpr || n instanceof ObjectCreationExpr || n instanceof ExplicitConstructorInvocationStmt) {
                    String owner = JavaNames.ownerNode(n).map(o -> ownerNames.computeIfAbsent(o, JavaNames::nodeName)).orElse("");
                    ArrayNode list = calls.has(owner) ? (ArrayNode) calls.get(owner) : calls.putArray(owner);
                    add(list, n, facade);
                }
            });
        }
        ObjectNode c = out.putObject("counts");
        c.put("solved", counts[How.SOLVED.ordinal()]);
        c.put("name_arity", counts[How.NAME_ARITY.ordinal()]);
        c.put("external", counts[How.EXTERNAL.ordinal()]);
        c.put("unresolved", counts[How.UNRESOLVED.ordinal()]);
        if (unit.isPresent()) {
            out.putNull("error");
        } else {
            out.put("error", JavaOutline.problem(parsed.result()));
        }
        return out;
    }

    private void add(ArrayNode list, Node call, JavaParserFacade facade) {
        String name = call instanceof MethodCallExpr m ? m.getNameAsString() : JavaReferences.constructorName(call);
        int arity = switch (call) {
            case MethodCallExpr m -> m.getArguments().size();
            case ObjectCreationExpr o -> o.getArguments().size();
            case ExplicitConstructorInvocationStmt s -> s.getArguments().size();
            default -> 0;
        };
        Target target = solve(call, facade).orElseGet(() -> byNameAndArity(call, name, arity, facade));
        counts[target.how().ordinal()]++;
        ObjectNode e = list.addObject();
        if (target.id() == null) {
            e.putNull("target");
        } else {
            e.put("target", target.id());
        }
        if (target.external() != null) {
            e.put("external", target.external());
        }
        e.put("name", name);
        e.put("arity", arity);
        e.put("line", call.getBegin().map(p -> p.line).orElse(0));
        e.put("text", text(call));
        e.put("how", target.how().label);
    }

    /** The symbol solver's answer; empty when it failed or threw. */
    private Optional<Target> solve(Node call, JavaParserFacade facade) {
        SymbolReference<? extends ResolvedMethodLikeDeclaration> ref;
        try {
            if (call instanceof ObjectCreationExpr o && o.getAnonymousClassBody().isPresent()) {
                // its constructor is the anonymous class's own: what it calls is the type it extends
                return refs.typeTarget(facade.convertToUsage(o.getType()).asReferenceType().getTypeDeclaration().orElseThrow());
            }
            ref = switch (call) {
                case MethodCallExpr m -> facade.solve(m);
                case ObjectCreationExpr o -> facade.solve(o);
                case ExplicitConstructorInvocationStmt s -> facade.solve(s);
                default -> SymbolReference.unsolved();
            };
            if (!ref.isSolved()) {
                return Optional.empty();
            }
            ResolvedMethodLikeDeclaration d = ref.getCorrespondingDeclaration();
            if (!argumentsFit(d, argumentTypes(call, facade)) || callsItselfThroughSuper(call, d)) {
                return Optional.empty();
            }
            Optional<String> id = refs.nodeId(d);
            return Optional.of(id.map(i -> new Target(How.SOLVED, i, null))
                    .orElseGet(() -> new Target(How.EXTERNAL, null, signature(d))));
        } catch (Exception | StackOverflowError | LinkageError | AssertionError e) {
            return Optional.empty(); // unsolved symbol, unsupported construct, or a solver bug: fall back
        }
    }

    /**
     * Whether the declaration can take the arguments whose types are known. JavaParser 3.28.2 widens
     * primitive arrays ({@code clone(long[])} solved to {@code clone(float[])}, {@code join(boolean[], ..)}
     * to {@code join(Object[], ..)} in commons-lang3) and takes any argument for a bounded type
     * variable ({@code Validate.notEmpty(String, ..)} solved to the {@code T extends Collection}
     * overload), choosing among such overloads in an order that changes between runs. A declaration
     * that fails this check goes to the name-and-arity fallback.
     */
    private static boolean argumentsFit(ResolvedMethodLikeDeclaration d, Map<Integer, ResolvedType> args) {
        for (Map.Entry<Integer, ResolvedType> e : args.entrySet()) {
            int i = e.getKey();
            if (i >= d.getNumberOfParams() || d.getParam(i).isVariadic()) {
                continue;
            }
            try {
                ResolvedType arg = e.getValue().isTypeVariable() ? e.getValue().erasure() : e.getValue();
                ResolvedType p = d.getParam(i).getType();
                if (arg.isArray() && arg.asArrayType().getComponentType().isPrimitive() && p.isArray() && !p.describe().equals(arg.describe())) {
                    return false;
                }
                if (p.isTypeVariable() && arg.isReferenceType()) {
                    for (ResolvedTypeParameterDeclaration.Bound b : p.asTypeParameter().getBounds()) {
                        if (b.isExtends() && !b.getType().erasure().isAssignableBy(arg)) {
                            return false;
                        }
                    }
                }
            } catch (Exception | StackOverflowError | LinkageError | AssertionError unresolvable) {
                // a type the solver cannot work with: no evidence against
            }
        }
        return true;
    }

    /**
     * {@code super.m(..)} solved to the caller's own class: JavaParser 3.28.2 does this now and then
     * (commons-lang3's MultilineRecursiveToStringStyle.appendDetail), never javac.
     */
    private static boolean callsItselfThroughSuper(Node call, ResolvedMethodLikeDeclaration d) {
        if (!(call instanceof MethodCallExpr m) || !m.getScope().map(Expression::isSuperExpr).orElse(false)) {
            return false;
        }
        Optional<Node> declaring = d.declaringType().toAst();
        return declaring.isPresent() && declaring.get() == m.findAncestor(TypeDeclaration.class).orElse(null);
    }

    /** Argument index to type, for the arguments whose type the solver knows. */
    private static Map<Integer, ResolvedType> argumentTypes(Node call, JavaParserFacade facade) {
        List<Expression> args = switch (call) {
            case MethodCallExpr m -> m.getArguments();
            case ObjectCreationExpr o -> o.getArguments();
            case ExplicitConstructorInvocationStmt s -> s.getArguments();
            default -> List.of();
        };
        Map<Integer, ResolvedType> out = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            try {
                out.put(i, facade.getType(args.get(i)));
            } catch (Exception | StackOverflowError | LinkageError | AssertionError e) {
                // unknown type: no constraint
            }
        }
        return out;
    }

    /** The arguments of a primitive or primitive array type, as the extractor writes parameter types ({@code int}, {@code long[]}). */
    private static Map<Integer, String> primitives(Map<Integer, ResolvedType> args) {
        Map<Integer, String> out = new HashMap<>();
        args.forEach((i, t) -> {
            ResolvedType base = t.isArray() ? t.asArrayType().getComponentType() : t;
            if (base.isPrimitive()) {
                out.put(i, t.describe());
            }
        });
        return out;
    }

    private static String signature(ResolvedMethodLikeDeclaration d) {
        try {
            return d.getQualifiedSignature();
        } catch (RuntimeException e) { // a parameter type it cannot resolve
            return d.getQualifiedName();
        }
    }

    private Target byNameAndArity(Node call, String name, int arity, JavaParserFacade facade) {
        List<CallableIndex.Callable> candidates = refs.index().candidates(name, arity);
        Predicate<CallableIndex.Callable> prefer = switch (call) {
            case MethodCallExpr m when m.getScope().map(Expression::isSuperExpr).orElse(false) ->
                    JavaReferences.inType(JavaReferences.superclassName(m));
            case MethodCallExpr m -> JavaReferences.typeScope(m).or(() -> scopeType(m, facade)).map(JavaReferences::inType)
                    .orElse(c -> c.file().equals(file));
            case ExplicitConstructorInvocationStmt s when s.isThis() -> c -> c.file().equals(file) && c.type().equals(name);
            default -> JavaReferences.inType(name);
        };
        Map<Integer, String> primitives = candidates.size() > 1 ? primitives(argumentTypes(call, facade)) : Map.of();
        return CallableIndex.single(candidates, prefer, primitives)
                .map(c -> new Target(How.NAME_ARITY, c.id(), null))
                .orElse(Target.UNRESOLVED);
    }

    /** The simple name of the type of the call's scope expression ({@code style} in {@code style.append(..)}), if the solver knows it. */
    private static Optional<String> scopeType(MethodCallExpr m, JavaParserFacade facade) {
        if (m.getScope().isEmpty() || m.getScope().get().isThisExpr()) {
            return Optional.empty(); // this.m(..) and m(..): the calling file is the better guess
        }
        try {
            ResolvedType t = facade.getType(m.getScope().get());
            if (t.isReferenceType()) {
                String q = t.asReferenceType().getQualifiedName();
                return Optional.of(q.substring(q.lastIndexOf('.') + 1));
            }
        } catch (Exception | StackOverflowError | LinkageError | AssertionError e) {
            // unknown scope type
        }
        return Optional.empty();
    }

    /** The call's source text on one line, at most {@link JavaReferences#TEXT_LIMIT} characters. */
    private String text(Node call) {
        Optional<Position> begin = call.getBegin();
        Optional<Position> end = call.getEnd();
        if (begin.isEmpty() || end.isEmpty()) {
            return "";
        }
        int from = offset(begin.get());
        int to = Math.min(offset(end.get()) + 1, Math.min(parsed.text().length(), from + 4 * JavaReferences.TEXT_LIMIT));
        String one = parsed.text().substring(from, Math.max(from, to)).replaceAll("\\s+", " ").strip();
        return one.length() > JavaReferences.TEXT_LIMIT ? one.substring(0, JavaReferences.TEXT_LIMIT) : one;
    }

    private int offset(Position p) {
        return p.line - 1 < offsets.length ? Math.min(offsets[p.line - 1] + p.column - 1, parsed.text().length()) : parsed.text().length();
    }

    /** Start offset of each line (JavaParser counts a tab as one column, as this does). */
    private static int[] lineOffsets(String s) {
        List<Integer> starts = new java.util.ArrayList<>();
        starts.add(0);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n')) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
