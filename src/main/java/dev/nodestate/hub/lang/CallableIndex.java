package dev.nodestate.hub.lang;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.nodeTypes.NodeWithSimpleName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every method and constructor node of the repository's Java files by simple name, for the
 * name-and-arity fallback when the symbol solver cannot resolve a call. A class without a declared
 * constructor gets its default one, and a record without an explicit canonical constructor gets one
 * with its components; both point at the type's node. Updated per file.
 */
final class CallableIndex {

    /** One callable: its node id, its file, the simple name of its type, its name and erased parameter types. */
    record Callable(String id, String file, String type, String name, List<String> params, boolean varargs) {
        boolean takes(int arity) {
            return varargs ? arity >= params.size() - 1 : arity == params.size();
        }

        /** Whether argument {@code i} of exactly {@code type} fits here as is (a varargs slot takes the element or the array). */
        boolean accepts(int i, String type) {
            if (varargs && i >= params.size() - 1) {
                String element = params.getLast().substring(0, params.getLast().length() - 3);
                return type.equals(element) || type.equals(element + "[]");
            }
            return i < params.size() && params.get(i).equals(type);
        }
    }

    private final Map<String, List<Callable>> byName = new HashMap<>();
    private final Map<String, List<Callable>> byFile = new HashMap<>();

    /** Replaces what is known about {@code file} (repo-relative) with the callables of {@code unit}. */
    void put(String file, CompilationUnit unit) {
        remove(file);
        List<Callable> found = new ArrayList<>();
        unit.walk(n -> {
            if (JavaNames.member(n)) {
                BodyDeclaration<?> b = (BodyDeclaration<?>) n;
                NodeList<Parameter> params = JavaNames.params(b);
                Map<String, String> vars = JavaNames.typeVars(JavaNames.typeScope(n.getParentNode().orElseThrow()), JavaNames.typeParams(b));
                found.add(new Callable(file + "::" + JavaNames.memberName(b), file, simpleName(n.getParentNode().orElseThrow()),
                        ((NodeWithSimpleName<?>) n).getNameAsString(), params.stream().map(p -> JavaNames.erasedParam(p, vars)).toList(),
                        params.isNonEmpty() && params.getLast().orElseThrow().isVarArgs()));
            } else if (n instanceof TypeDeclaration<?> t && JavaNames.named(t)) {
                implicitConstructor(file, t).ifPresent(found::add);
            }
        });
        byFile.put(file, found);
        found.forEach(c -> byName.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c));
    }

    private static Optional<Callable> implicitConstructor(String file, TypeDeclaration<?> t) {
        String id = file + "::" + JavaNames.typeName(t);
        if (t instanceof RecordDeclaration r) {
            boolean canonical = r.getMembers().stream().anyMatch(m -> m instanceof CompactConstructorDeclaration
                    || m instanceof ConstructorDeclaration c && c.getParameters().size() == r.getParameters().size());
            return canonical ? Optional.empty()
                    : Optional.of(new Callable(id, file, t.getNameAsString(), t.getNameAsString(),
                            r.getParameters().stream().map(p -> JavaNames.erasedParam(p, JavaNames.typeScope(t))).toList(), false));
        }
        if (t.isClassOrInterfaceDeclaration() && !t.asClassOrInterfaceDeclaration().isInterface()
                && t.getMembers().stream().noneMatch(m -> m instanceof ConstructorDeclaration)) {
            return Optional.of(new Callable(id, file, t.getNameAsString(), t.getNameAsString(), List.of(), false));
        }
        return Optional.empty();
    }

    private static String simpleName(Node type) {
        return ((NodeWithSimpleName<?>) type).getNameAsString();
    }

    void remove(String file) {
        List<Callable> old = byFile.remove(file);
        if (old != null) {
            for (Callable c : old) {
                List<Callable> same = byName.get(c.name());
                same.remove(c);
                if (same.isEmpty()) {
                    byName.remove(c.name());
                }
            }
        }
    }

    /** The callables named {@code name} that accept {@code arity} arguments. */
    List<Callable> candidates(String name, int arity) {
        return byName.getOrDefault(name, List.of()).stream().filter(c -> c.takes(arity)).toList();
    }

    /**
     * The one candidate left: the only one, else the only one {@code prefer} keeps, else the only one
     * of those whose parameters take the {@code primitives} exactly (argument index to a primitive or
     * primitive array type such as {@code long[]}; the overloads of ArrayUtils and StringUtils differ
     * in just these).
     */
    static Optional<Callable> single(List<Callable> candidates, Predicate<Callable> prefer, Map<Integer, String> primitives) {
        if (candidates.size() == 1) {
            return Optional.of(candidates.getFirst());
        }
        List<Callable> preferred = candidates.stream().filter(prefer).toList();
        if (preferred.size() > 1 && !primitives.isEmpty()) {
            preferred = preferred.stream().filter(c -> primitives.entrySet().stream().allMatch(e -> c.accepts(e.getKey(), e.getValue()))).toList();
        }
        return preferred.size() == 1 ? Optional.of(preferred.getFirst()) : Optional.empty();
    }

    int size() {
        return byFile.values().stream().mapToInt(List::size).sum();
    }
}
