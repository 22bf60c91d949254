package dev.nodestate.hub.lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.AnnotationDeclaration;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.WhileStmt;
import com.github.javaparser.ast.type.Type;
import com.github.javaparser.javadoc.Javadoc;
import java.util.stream.Collectors;

/**
 * The JavaParser view of one Java file as plain JSON, handed to .pym tools through the
 * {@code java_outline} external: package, imports, and every type (nested ones too) with its
 * members' signatures parts, javadoc first sentence, line ranges and decision-point counts.
 */
public final class JavaOutline {

    private final JavaParser parser;

    public JavaOutline() {
        ParserConfiguration config = new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25)
                // ranges (and so javadoc attribution) need tokens: with setStoreTokens(false)
                // JavaParser 3.28.2 leaves every node without a range
                .setAttributeComments(true);
        this.parser = new JavaParser(config);
    }

    /** Parses {@code source}; a syntax error comes back as {"error": "line N: ..."}. */
    public ObjectNode outline(String source) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        ParseResult<CompilationUnit> result;
        try {
            result = parser.parse(source);
        } catch (RuntimeException | StackOverflowError e) {
            return out.put("error", "JavaParser failed: " + e);
        }
        if (!result.isSuccessful() || result.getResult().isEmpty()) {
            String problem = result.getProblems().stream().findFirst()
                    .map(p -> p.getLocation().flatMap(l -> l.getBegin().getRange()).map(r -> "line " + r.begin.line + ": ").orElse("")
                            + p.getMessage().lines().findFirst().orElse(""))
                    .orElse("unparseable");
            return out.put("error", "syntax error: " + problem);
        }
        CompilationUnit unit = result.getResult().get();
        out.putNull("error");
        out.put("package", unit.getPackageDeclaration().map(p -> p.getNameAsString()).orElse(""));
        ArrayNode imports = out.putArray("imports");
        unit.getImports().forEach(i -> imports.add(i.toString().strip()));
        out.put("line_count", source.isEmpty() ? 0 : (int) source.lines().count());
        ArrayNode types = out.putArray("types");
        for (TypeDeclaration<?> t : unit.getTypes()) {
            addType(types, t, null);
        }
        return out;
    }

    private void addType(ArrayNode types, TypeDeclaration<?> t, String parent) {
        String qualified = parent == null ? t.getNameAsString() : parent + "." + t.getNameAsString();
        ObjectNode n = types.addObject();
        n.put("name", qualified);
        n.put("simple_name", t.getNameAsString());
        n.put("parent", parent);
        n.put("kind", kind(t));
        position(n, t);
        n.set("modifiers", modifiers(t.getModifiers()));
        n.set("annotations", annotations(t));
        n.put("javadoc", javadoc(t));
        StringBuilder header = new StringBuilder();
        if (t instanceof ClassOrInterfaceDeclaration c) {
            header.append(typeParams(c.getTypeParameters()));
            if (c.getExtendedTypes().isNonEmpty()) {
                header.append(" extends ").append(join(c.getExtendedTypes()));
            }
            if (c.getImplementedTypes().isNonEmpty()) {
                header.append(" implements ").append(join(c.getImplementedTypes()));
            }
        } else if (t instanceof RecordDeclaration r) {
            header.append(typeParams(r.getTypeParameters())).append('(')
                    .append(r.getParameters().stream().map(p -> p.getType() + " " + p.getNameAsString()).collect(Collectors.joining(", ")))
                    .append(')');
            if (r.getImplementedTypes().isNonEmpty()) {
                header.append(" implements ").append(join(r.getImplementedTypes()));
            }
        } else if (t instanceof EnumDeclaration e && e.getImplementedTypes().isNonEmpty()) {
            header.append(" implements ").append(join(e.getImplementedTypes()));
        }
        n.put("header", header.toString());
        ArrayNode members = n.putArray("members");
        for (BodyDeclaration<?> member : t.getMembers()) {
            if (member instanceof CallableDeclaration<?> c) {
                addCallable(members, c);
            }
        }
        for (BodyDeclaration<?> member : t.getMembers()) {
            if (member instanceof TypeDeclaration<?> inner) {
                addType(types, inner, qualified);
            }
        }
    }

    private void addCallable(ArrayNode members, CallableDeclaration<?> c) {
        ObjectNode m = members.addObject();
        m.put("kind", c instanceof ConstructorDeclaration ? "constructor" : "method");
        m.put("name", c.getNameAsString());
        position(m, c);
        m.set("modifiers", modifiers(c.getModifiers()));
        m.set("annotations", annotations(c));
        m.put("type_params", typeParams(c.getTypeParameters()));
        ArrayNode params = m.putArray("params");
        for (Parameter p : c.getParameters()) {
            ObjectNode pn = params.addObject();
            String type = p.getType().toString() + (p.isVarArgs() ? "..." : "");
            pn.put("type", type);
            pn.put("erased", erase(p.getType()) + (p.isVarArgs() ? "..." : ""));
            pn.put("name", p.getNameAsString());
            pn.put("annotated", !p.getAnnotations().isEmpty());
        }
        m.put("returns", c instanceof MethodDeclaration md ? md.getType().toString() : null);
        ArrayNode thrown = m.putArray("throws");
        c.getThrownExceptions().forEach(e -> thrown.add(e.toString()));
        m.put("javadoc", javadoc(c));
        m.set("decisions", decisions(c));
    }

    /** Decision points in a callable's own body; lambdas, anonymous and local classes excluded. */
    private static ObjectNode decisions(Node body) {
        int[] counts = new int[10];
        body.walk(Node.TreeTraversal.PREORDER, n -> {
            if (n != body && inNestedScope(n, body)) {
                return;
            }
            switch (n) {
                case IfStmt i -> counts[0]++;
                case ForStmt x -> counts[1]++;
                case ForEachStmt x -> counts[2]++;
                case WhileStmt x -> counts[3]++;
                case DoStmt x -> counts[4]++;
                case SwitchEntry s when !s.getLabels().isEmpty() -> counts[5] += s.getLabels().size();
                case CatchClause x -> counts[6]++;
                case BinaryExpr b when b.getOperator() == BinaryExpr.Operator.AND -> counts[7]++;
                case BinaryExpr b when b.getOperator() == BinaryExpr.Operator.OR -> counts[8]++;
                case ConditionalExpr x -> counts[9]++;
                default -> { }
            }
        });
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        String[] names = {"if", "for", "foreach", "while", "do", "case", "catch", "and", "or", "conditional"};
        for (int i = 0; i < names.length; i++) {
            d.put(names[i], counts[i]);
        }
        return d;
    }

    private static boolean inNestedScope(Node n, Node root) {
        for (Node p = n.getParentNode().orElse(null); p != null && p != root; p = p.getParentNode().orElse(null)) {
            if (p instanceof LambdaExpr || p instanceof ObjectCreationExpr o && o.getAnonymousClassBody().isPresent()
                    || p instanceof TypeDeclaration<?>) {
                return true;
            }
        }
        return n instanceof LambdaExpr || n instanceof TypeDeclaration<?>;
    }

    private static void position(ObjectNode n, Node node) {
        node.getRange().ifPresent(r -> {
            n.put("start_line", r.begin.line);
            n.put("end_line", r.end.line);
            n.put("anchor", r.begin.line + ":" + (r.begin.column - 1));
        });
    }

    private static String kind(TypeDeclaration<?> t) {
        return switch (t) {
            case ClassOrInterfaceDeclaration c -> c.isInterface() ? "interface" : "class";
            case EnumDeclaration e -> "enum";
            case RecordDeclaration r -> "record";
            case AnnotationDeclaration a -> "annotation";
            default -> "class";
        };
    }

    private static ArrayNode modifiers(NodeList<com.github.javaparser.ast.Modifier> modifiers) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        modifiers.forEach(m -> a.add(m.getKeyword().asString()));
        return a;
    }

    private static ArrayNode annotations(com.github.javaparser.ast.nodeTypes.NodeWithAnnotations<?> n) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        n.getAnnotations().forEach(x -> a.add(x.toString()));
        return a;
    }

    private static String javadoc(com.github.javaparser.ast.nodeTypes.NodeWithJavadoc<?> n) {
        return n.getJavadoc().map(JavaOutline::firstSentence).orElse(null);
    }

    private static String firstSentence(Javadoc doc) {
        String text = doc.getDescription().toText().replaceAll("\\s+", " ").strip();
        if (text.isEmpty()) {
            return null;
        }
        int end = -1;
        for (int i = 0; i < text.length() - 1; i++) {
            if (text.charAt(i) == '.' && Character.isWhitespace(text.charAt(i + 1))) {
                end = i + 1;
                break;
            }
        }
        String sentence = end > 0 ? text.substring(0, end) : text;
        return sentence.length() > 200 ? sentence.substring(0, 200) : sentence;
    }

    private static String typeParams(NodeList<com.github.javaparser.ast.type.TypeParameter> params) {
        return params.isEmpty() ? "" : "<" + params.stream().map(Node::toString).collect(Collectors.joining(", ")) + ">";
    }

    private static String join(NodeList<? extends Node> nodes) {
        return nodes.stream().map(Node::toString).collect(Collectors.joining(", "));
    }

    /** The type without generic arguments, as Java's erasure would name it in a signature. */
    static String erase(Type type) {
        return type.toString().replaceAll("<.*>", "").replaceAll("\\s+", "");
    }
}
