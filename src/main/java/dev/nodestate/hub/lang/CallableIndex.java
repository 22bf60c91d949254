package dev.nodestate.hub.lang;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.nodeTypes.NodeWithSimpleName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Every method and constructor node of the repository's Java files by simple name, for the
 * name-and-arity fallback when the symbol solver cannot resolve a call. A class without a declared
 * constructor gets its default one, and a record without an explicit canonical constructor gets one
 * with its components; both point at the type's node. Updated per file.
 */
final class CallableIndex {

    /** One callable: its node id, its file, the simple name of its type, its name and parameter count. */
    record Callable(String id, String file, String type, String name, int params, boolean varargs) {
        boolean takes(int arity) {
            return varargs ? arity >= params - 1 : arity == params;
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
                found.add(new Callable(file + "::" + JavaNames.memberName(b), file, simpleName(n.getParentNode().orElseThrow()),
                        ((NodeWithSimpleName<?>) n).getNameAsString(), params.size(),
                        params.isNonEmpty() && params.getLast().orElseThrow().isVarArgs()));
            } else if (n instanceof TypeDeclaration<?> t && !(n instanceof EnumConstantDeclaration) && JavaNames.named(t)) {
                implicitConstructor(file, t).ifPresent(found::add);
            }
        });
        byFile.put(file, found);
        found.forEach(c -> byName.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c));
    }

    private static java.util.Optional<Callable> implicitConstructor(String file, TypeDeclaration<?> t) {
        String id = file + "::" + JavaNames.typeName(t);
        if (t instanceof RecordDeclaration r) {
            boolean canonical = r.getMembers().stream().anyMatch(m -> m instanceof CompactConstructorDeclaration
                    || m instanceof ConstructorDeclaration c && c.getParameters().size() == r.getParameters().size());
            return canonical ? java.util.Optional.empty()
                    : java.util.Optional.of(new Callable(id, file, t.getNameAsString(), t.getNameAsString(), r.getParameters().size(), false));
        }
        if (t.isClassOrInterfaceDeclaration() && !t.asClassOrInterfaceDeclaration().isInterface()
                && t.getMembers().stream().noneMatch(m -> m instanceof ConstructorDeclaration)) {
            return java.util.Optional.of(new Callable(id, file, t.getNameAsString(), t.getNameAsString(), 0, false));
        }
        return java.util.Optional.empty();
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

    /** The one candidate left after {@code prefer}, if exactly one is. */
    static java.util.Optional<Callable> single(List<Callable> candidates, Predicate<Callable> prefer) {
        if (candidates.size() == 1) {
            return java.util.Optional.of(candidates.getFirst());
        }
        List<Callable> preferred = candidates.stream().filter(prefer).toList();
        return preferred.size() == 1 ? java.util.Optional.of(preferred.getFirst()) : java.util.Optional.empty();
    }

    int size() {
        return byFile.values().stream().mapToInt(List::size).sum();
    }
}
