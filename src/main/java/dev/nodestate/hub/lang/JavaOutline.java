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
import com.github.javaparser.ast.body.AnnotationMemberDeclaration;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
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
import com.github.javaparser.ast.type.TypeParameter;
import com.github.javaparser.javadoc.Javadoc;
import com.github.javaparser.printer.configuration.DefaultConfigurationOption;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration;
import com.github.javaparser.printer.configuration.PrinterConfiguration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JavaParser view of one Java file as plain JSON, handed to .pym tools through the
 * {@code java_outline} external: package, imports, and every type (nested ones too) with its
 * members' signatures parts, javadoc first sentence, line ranges and decision-point counts.
 * Members are methods, constructors, compact record constructors (with the record's components as
 * parameters) and annotation-type members; an enum constant whose body declares members is listed
 * as a type of kind {@code enum_constant}. Ranges start at the first annotation or modifier, not at
 * the javadoc. Text is printed without the comments JavaParser attaches to nodes. Checked against
 * javac on commons-lang3 by {@code JavaReferenceTest}. Names and erasures come from {@link JavaNames},
 * which {@link JavaReferences} shares to name callees.
 */
public final class JavaOutline {

    /** Source text of nodes without the comments JavaParser attributes to them ({@code @SuppressWarnings("x") // why}). */
    private static final PrinterConfiguration NO_COMMENTS = new DefaultPrinterConfiguration()
            .removeOption(new DefaultConfigurationOption(DefaultPrinterConfiguration.ConfigOption.PRINT_COMMENTS))
            .removeOption(new DefaultConfigurationOption(DefaultPrinterConfiguration.ConfigOption.PRINT_JAVADOC));

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
            return out.put("error", problem(result));
        }
        CompilationUnit unit = result.getResult().get();
        out.putNull("error");
        out.put("package", unit.getPackageDeclaration().map(p -> p.getNameAsString()).orElse(""));
        ArrayNode imports = out.putArray("imports");
        unit.getImports().forEach(i -> imports.add(text(i).strip()));
        out.put("line_count", source.isEmpty() ? 0 : (int) source.lines().count());
        ArrayNode types = out.putArray("types");
        for (TypeDeclaration<?> t : unit.getTypes()) {
            addType(types, t, null, Map.of());
        }
        return out;
    }

    /** A failed parse as {@code syntax error: line N: message}. */
    static String problem(ParseResult<?> result) {
        return "syntax error: " + result.getProblems().stream().findFirst()
                .map(p -> p.getLocation().flatMap(l -> l.getBegin().getRange()).map(r -> "line " + r.begin.line + ": ").orElse("")
                        + p.getMessage().lines().findFirst().orElse(""))
                .orElse("unparseable");
    }

    private void addType(ArrayNode types, TypeDeclaration<?> t, String parent, Map<String, String> outerVars) {
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
        NodeList<Parameter> components = new NodeList<>();
        Map<String, String> vars = JavaNames.typeScope(t, outerVars);
        if (t instanceof ClassOrInterfaceDeclaration c) {
            header.append(typeParams(c.getTypeParameters()));
            if (c.getExtendedTypes().isNonEmpty()) {
                header.append(" extends ").append(join(c.getExtendedTypes()));
            }
            if (c.getImplementedTypes().isNonEmpty()) {
                header.append(" implements ").append(join(c.getImplementedTypes()));
            }
            if (c.getPermittedTypes().isNonEmpty()) {
                header.append(" permits ").append(join(c.getPermittedTypes()));
            }
        } else if (t instanceof RecordDeclaration r) {
            components = r.getParameters();
            header.append(typeParams(r.getTypeParameters())).append('(')
                    .append(r.getParameters().stream().map(p -> paramType(p) + " " + p.getNameAsString()).collect(Collectors.joining(", ")))
                    .append(')');
            if (r.getImplementedTypes().isNonEmpty()) {
                header.append(" implements ").append(join(r.getImplementedTypes()));
            }
        } else if (t instanceof EnumDeclaration e && e.getImplementedTypes().isNonEmpty()) {
            header.append(" implements ").append(join(e.getImplementedTypes()));
        }
        n.put("header", header.toString());
        addMembers(types, n.putArray("members"), t.getMembers(), qualified, components, vars);
        if (t instanceof EnumDeclaration e) {
            for (EnumConstantDeclaration c : e.getEntries()) {
                if (c.getClassBody().isNonEmpty()) {
                    addEnumConstant(types, c, qualified, vars);
                }
            }
        }
    }

    /**
     * An enum constant whose class body declares members is a node of its own (kind enum_constant,
     * named Enum.CONSTANT), so that the methods of its body have a parent.
     */
    private void addEnumConstant(ArrayNode types, EnumConstantDeclaration c, String enumName, Map<String, String> vars) {
        String qualified = enumName + "." + c.getNameAsString();
        ObjectNode n = types.addObject();
        n.put("name", qualified);
        n.put("simple_name", c.getNameAsString());
        n.put("parent", enumName);
        n.put("kind", "enum_constant");
        position(n, c);
        n.putArray("modifiers");
        n.set("annotations", annotations(c));
        n.put("javadoc", javadoc(c));
        n.put("header", c.getArguments().isEmpty() ? "" : "(" + join(c.getArguments()) + ")");
        addMembers(types, n.putArray("members"), c.getClassBody(), qualified, new NodeList<>(), JavaNames.typeScope(c, vars));
    }

    /** Callables of a type body (methods, constructors, compact constructors, annotation members), then its member types. */
    private void addMembers(ArrayNode types, ArrayNode members, NodeList<BodyDeclaration<?>> body, String owner,
                            NodeList<Parameter> components, Map<String, String> vars) {
        for (BodyDeclaration<?> member : body) {
            switch (member) {
                case MethodDeclaration m -> addCallable(members, vars, "method", m, m.getModifiers(), m.getTypeParameters(),
                        m.getParameters(), text(m.getType()), m.getThrownExceptions(), null, javadoc(m));
                case ConstructorDeclaration c -> addCallable(members, vars, "constructor", c, c.getModifiers(), c.getTypeParameters(),
                        c.getParameters(), null, c.getThrownExceptions(), null, javadoc(c));
                // a compact constructor takes the record's components
                case CompactConstructorDeclaration c -> addCallable(members, vars, "constructor", c, c.getModifiers(),
                        c.getTypeParameters(), components, null, c.getThrownExceptions(), null, javadoc(c));
                case AnnotationMemberDeclaration a -> addCallable(members, vars, "method", a, a.getModifiers(), new NodeList<>(),
                        new NodeList<>(), text(a.getType()), new NodeList<>(),
                        a.getDefaultValue().map(JavaOutline::text).orElse(null), javadoc(a));
                default -> { }
            }
        }
        for (BodyDeclaration<?> member : body) {
            if (member instanceof TypeDeclaration<?> inner) {
                addType(types, inner, owner, vars);
            }
        }
    }

    private void addCallable(ArrayNode members, Map<String, String> outerVars, String kind, BodyDeclaration<?> c,
                             NodeList<com.github.javaparser.ast.Modifier> modifiers,
                             NodeList<TypeParameter> typeParams, NodeList<Parameter> params,
                             String returns, NodeList<? extends Node> thrown, String defaultValue, String javadoc) {
        ObjectNode m = members.addObject();
        m.put("kind", kind);
        m.put("name", ((com.github.javaparser.ast.nodeTypes.NodeWithSimpleName<?>) c).getNameAsString());
        position(m, c);
        m.set("modifiers", modifiers(modifiers));
        m.set("annotations", annotations(c));
        m.put("type_params", typeParams(typeParams));
        Map<String, String> vars = JavaNames.typeVars(outerVars, typeParams);
        ArrayNode ps = m.putArray("params");
        for (Parameter p : params) {
            ObjectNode pn = ps.addObject();
            pn.put("type", paramType(p));
            pn.put("erased", JavaNames.erasedParam(p, vars));
            pn.put("name", p.getNameAsString());
            pn.put("annotated", !p.getAnnotations().isEmpty());
        }
        m.put("returns", returns);
        ArrayNode throwsList = m.putArray("throws");
        thrown.forEach(e -> throwsList.add(text(e)));
        m.put("default", defaultValue);
        m.put("javadoc", javadoc);
        m.set("decisions", decisions(c));
    }

    private static String paramType(Parameter p) {
        return text(p.getType()) + (p.isVarArgs() ? "..." : "");
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
        n.getAnnotations().forEach(x -> a.add(text(x)));
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

    static String text(Node node) {
        return node.toString(NO_COMMENTS);
    }

    private static String typeParams(NodeList<TypeParameter> params) {
        return params.isEmpty() ? "" : "<" + params.stream().map(JavaOutline::text).collect(Collectors.joining(", ")) + ">";
    }

    private static String join(NodeList<? extends Node> nodes) {
        return nodes.stream().map(JavaOutline::text).collect(Collectors.joining(", "));
    }
}
