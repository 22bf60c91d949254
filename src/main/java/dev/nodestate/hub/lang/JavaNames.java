package dev.nodestate.hub.lang;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.AnnotationMemberDeclaration;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.nodeTypes.NodeWithSimpleName;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.Type;
import com.github.javaparser.ast.type.TypeParameter;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the hub names Java declarations, in one place for {@link JavaOutline} (which hands the parts
 * to {@code tools/extract_java.pym}) and {@link JavaReferences} (which must name a callee exactly as
 * the extractor named its node). A <em>named</em> type is a top-level type, a member type of a named
 * type, or an enum constant with a class body in a named enum; local and anonymous classes are not
 * named: they, and lambdas, belong to the member that contains them. A member's name is
 * {@code Outer.Inner.method(erased,param,types)}, with a {@code #line:column} suffix when an earlier
 * member of the same type already took the name (as the extractor does).
 */
final class JavaNames {

    private JavaNames() {
    }

    /** A top-level type, a member type of a named type, or an enum constant with a body in a named enum. */
    static boolean named(Node n) {
        if (n instanceof EnumConstantDeclaration c) {
            return c.getClassBody().isNonEmpty() && c.getParentNode().map(JavaNames::named).orElse(false);
        }
        if (!(n instanceof TypeDeclaration<?>)) {
            return false;
        }
        Node parent = n.getParentNode().orElse(null);
        return parent instanceof CompilationUnit || parent != null && named(parent);
    }

    /** {@code Outer.Inner} (or {@code Enum.CONSTANT}) of a {@linkplain #named named} type. */
    static String typeName(Node type) {
        String simple = ((NodeWithSimpleName<?>) type).getNameAsString();
        Node parent = type.getParentNode().orElse(null);
        return parent instanceof CompilationUnit || parent == null ? simple : typeName(parent) + "." + simple;
    }

    /** The type variables in scope inside {@code type}'s body, given those of its enclosing type. */
    static Map<String, String> typeScope(Node type, Map<String, String> outer) {
        return switch (type) {
            case ClassOrInterfaceDeclaration c -> typeVars(outer, c.getTypeParameters());
            case RecordDeclaration r -> typeVars(outer, r.getTypeParameters());
            default -> outer; // enums, annotations and enum constants declare none
        };
    }

    /** {@link #typeScope} of a named type, from the top-level type down. */
    static Map<String, String> typeScope(Node type) {
        Node parent = type.getParentNode().orElse(null);
        Map<String, String> outer = parent == null || parent instanceof CompilationUnit ? Map.of() : typeScope(parent);
        return typeScope(type, outer);
    }

    /** A callable member's parameters; a compact record constructor takes the record's components. */
    static NodeList<Parameter> params(BodyDeclaration<?> callable) {
        return switch (callable) {
            case CallableDeclaration<?> c -> c.getParameters();
            case CompactConstructorDeclaration c -> c.getParentNode().filter(RecordDeclaration.class::isInstance)
                    .map(r -> ((RecordDeclaration) r).getParameters()).orElse(new NodeList<>());
            default -> new NodeList<>();
        };
    }

    static NodeList<TypeParameter> typeParams(BodyDeclaration<?> callable) {
        return switch (callable) {
            case CallableDeclaration<?> c -> c.getTypeParameters();
            case CompactConstructorDeclaration c -> c.getTypeParameters();
            default -> new NodeList<>();
        };
    }

    /** The parameter type as it appears in a member's name: erased, {@code ...} for varargs. */
    static String erasedParam(Parameter p, Map<String, String> vars) {
        return erase(p.getType(), vars) + (p.isVarArgs() ? "..." : "");
    }

    /** Methods, constructors, compact constructors and annotation-type members: the extractor's member nodes. */
    static boolean callable(Node n) {
        return n instanceof CallableDeclaration<?> || n instanceof CompactConstructorDeclaration
                || n instanceof AnnotationMemberDeclaration;
    }

    /** A callable whose type is named: it has a node of its own. */
    static boolean member(Node n) {
        return callable(n) && n.getParentNode().map(JavaNames::named).orElse(false);
    }

    /** {@code Outer.Inner.method(int,String[])} of a {@linkplain #member member}, as the extractor names its node. */
    static String memberName(BodyDeclaration<?> callable) {
        Node type = callable.getParentNode().orElseThrow();
        String owner = typeName(type);
        Map<String, String> vars = typeScope(type);
        String name = plainName(callable, owner, vars);
        // the extractor gives a repeated name (uncompilable code) the later member's anchor
        for (Node sibling : type.getChildNodes()) {
            if (sibling == callable) {
                break;
            }
            if (callable(sibling) && sibling instanceof BodyDeclaration<?> b && plainName(b, owner, vars).equals(name)) {
                return name + "#" + callable.getRange().map(r -> r.begin.line + ":" + (r.begin.column - 1)).orElse("?");
            }
        }
        return name;
    }

    private static String plainName(BodyDeclaration<?> callable, String owner, Map<String, String> typeVars) {
        Map<String, String> vars = typeVars(typeVars, typeParams(callable));
        String name = ((NodeWithSimpleName<?>) callable).getNameAsString();
        return owner + "." + name + "(" + params(callable).stream().map(p -> erasedParam(p, vars)).collect(Collectors.joining(",")) + ")";
    }

    /**
     * The node a piece of code belongs to: the nearest enclosing member, else the nearest named type
     * (field initializers, initializer blocks, enum constant arguments, annotations), else
     * {@code ""} for the module. Code in lambdas, local and anonymous classes belongs to the member
     * around them.
     */
    static String owner(Node n) {
        return ownerNode(n).map(JavaNames::nodeName).orElse("");
    }

    /** The member or named type {@link #owner} names; empty for the module. */
    static java.util.Optional<Node> ownerNode(Node n) {
        for (Node p = n; p != null; p = p.getParentNode().orElse(null)) {
            if (member(p) || named(p)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /** The name of a {@linkplain #member member} or {@linkplain #named named} type. */
    static String nodeName(Node memberOrType) {
        return callable(memberOrType) ? memberName((BodyDeclaration<?>) memberOrType) : typeName(memberOrType);
    }

    /**
     * The type as written without generic arguments and type annotations, as it appears in a
     * callable's id: {@code Map.Entry<K, V>[]} is {@code Map.Entry[]}, {@code Outer<A>.Inner<B>} is
     * {@code Outer.Inner}. A type variable with a bound is written as the erasure of its first bound,
     * as Java erases it ({@code <T extends Collection<?>> T} is {@code Collection}), so overloads that
     * differ only in their bounds keep distinct ids; an unbounded one keeps its name ({@code T}).
     */
    static String erase(Type type, Map<String, String> vars) {
        return switch (type) {
            case ArrayType a -> erase(a.getComponentType(), vars) + "[]";
            case ClassOrInterfaceType c when c.getScope().isEmpty() -> vars.getOrDefault(c.getNameAsString(), c.getNameAsString());
            case ClassOrInterfaceType c -> erase(c.getScope().get(), Map.of()) + "." + c.getNameAsString();
            default -> type.asString().replaceAll("\\s+", "");
        };
    }

    /** The type variables in scope after {@code params}: name to erasure; inner declarations shadow outer ones. */
    static Map<String, String> typeVars(Map<String, String> outer, NodeList<TypeParameter> params) {
        if (params.isEmpty()) {
            return outer;
        }
        Map<String, String> scope = new HashMap<>(outer);
        params.forEach(p -> scope.put(p.getNameAsString(), p.getNameAsString()));
        for (int pass = 0; pass < params.size(); pass++) { // a bound may name a later variable: <U extends T, T extends Number>
            for (TypeParameter p : params) {
                if (p.getTypeBound().isNonEmpty()) {
                    scope.put(p.getNameAsString(), erase(p.getTypeBound().getFirst().orElseThrow(), scope));
                }
            }
        }
        return scope;
    }
}
