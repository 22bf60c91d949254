package dev.nodestate.hub.lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.graal.python.pegparser.AbstractParser;
import com.oracle.graal.python.pegparser.InputType;
import com.oracle.graal.python.pegparser.Parser;
import com.oracle.graal.python.pegparser.ParserCallbacks;
import com.oracle.graal.python.pegparser.sst.ArgTy;
import com.oracle.graal.python.pegparser.sst.ArgumentsTy;
import com.oracle.graal.python.pegparser.sst.AliasTy;
import com.oracle.graal.python.pegparser.sst.ComprehensionTy;
import com.oracle.graal.python.pegparser.sst.ConstantValue;
import com.oracle.graal.python.pegparser.sst.ExceptHandlerTy;
import com.oracle.graal.python.pegparser.sst.ExprContextTy;
import com.oracle.graal.python.pegparser.sst.ExprTy;
import com.oracle.graal.python.pegparser.sst.KeywordTy;
import com.oracle.graal.python.pegparser.sst.MatchCaseTy;
import com.oracle.graal.python.pegparser.sst.ModTy;
import com.oracle.graal.python.pegparser.sst.OperatorTy;
import com.oracle.graal.python.pegparser.sst.SSTNode;
import com.oracle.graal.python.pegparser.sst.StmtTy;
import com.oracle.graal.python.pegparser.tokenizer.SourceRange;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host's view of one Python file, made with GraalPy's own parser ({@code com.oracle.graal.python.pegparser},
 * inside the {@code python-language} jar) run as plain host Java, and handed to .pym tools through the
 * {@code python_outline} externals — the Python counterpart of {@link JavaOutline}. The parser is internal
 * GraalPy API: this is the only class that touches it, {@link #GRAALPY_VERSION} is the version it was written
 * against, and {@code PythonOutlineTest} fails loudly when an upgrade changes the tree's shape.
 *
 * <p>The outline holds what the shipped tools used to take from {@code ast}, with {@code ast}'s conventions
 * (1-based lines, {@code col} in UTF-8 bytes, source text sliced from the file, multi-line text joined by single
 * spaces): definitions named as {@code extract_signatures} names nodes (qualified, {@code #2} for a repeat in
 * one scope, definitions under module-level control flow belonging to the enclosing scope), their parameters,
 * decorators, docstring first line, bases and own decision points; the module's imports. Optional parts:
 * {@link Part#CALLS} (per scope, the calls with structured callee expressions, stored names, imports and the
 * assignments and annotations that type a local, in the order of {@code find_callees}' walk), {@link Part#READS}
 * (per scope, names read and stored in the order {@code scan_imports} meets them) and {@link Part#EXPORTS}
 * (top-level names and {@code __all__}). The schema is in the README ("Python outline").
 */
public final class PythonOutline {

    /** The GraalPy version whose parser this class was written against (the pom pins it). */
    public static final String GRAALPY_VERSION = "25.0.3";

    /** Grammar version handed to the parser: Python 3.12 (GraalPy 25's language level). */
    private static final int FEATURE_VERSION = 12;

    /** Optional sections of an outline; definitions, imports and the module facts are always there. */
    public enum Part {
        CALLS, READS, EXPORTS;

        /** The part named {@code name} ("calls", "reads", "exports"), or null. */
        public static Part named(String name) {
            for (Part p : values()) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            return null;
        }
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Parses {@code source}; a syntax error comes back as {"error": {"line": N, "message": ...}} with no definitions. */
    public ObjectNode outline(String source, Set<Part> parts) {
        ObjectNode out = F.objectNode();
        Lines lines = new Lines(source);
        ModTy.Module module;
        try {
            module = parse(source);
        } catch (SyntaxProblem e) {
            out.putObject("error").put("line", Math.max(1, e.lineAsCPythonGivesIt(lines))).put("message", e.getMessage());
            out.put("line_count", lines.count());
            out.putArray("imports");
            out.putArray("defs");
            return out;
        }
        out.putNull("error");
        out.put("line_count", lines.count());
        out.put("docstring", docstring(module.body));
        new Builder(lines, parts, out).module(module);
        return out;
    }

    // ------------------------------------------------------------------ parsing

    static final class SyntaxProblem extends RuntimeException {
        final int line;
        /** The column of the token after the one CPython reports, or -1 when the parser's line is CPython's. */
        private final int nextTokenColumn;

        SyntaxProblem(int line, String message) {
            this(line, message, -1);
        }

        SyntaxProblem(int line, String message, int nextTokenColumn) {
            super(message, null, false, false);
            this.line = line;
            this.nextTokenColumn = nextTokenColumn;
        }

        /**
         * The line {@code ast.parse} reports. GraalPy's parser puts "unexpected indent" on the line before the
         * indented one and an "expected ':'" (a zero-width range) on the next token; CPython reports the indented
         * line and the line of the last token before the missing one.
         */
        int lineAsCPythonGivesIt(Lines lines) {
            if (getMessage().equals("unexpected indent")) {
                int previous = indent(lines.line(line));
                for (int n = line + 1; n <= lines.count(); n++) {
                    if (!isBlank(lines.line(n))) {
                        if (indent(lines.line(n)) > previous) {
                            return n;
                        }
                        previous = indent(lines.line(n));
                    }
                }
                return line;
            }
            if (nextTokenColumn >= 0) {
                String here = lines.line(line);
                if (!here.substring(0, Math.min(here.length(), nextTokenColumn)).isBlank()) {
                    return line;
                }
                for (int n = line - 1; n >= 1; n--) {
                    if (!isBlank(lines.line(n))) {
                        return n;
                    }
                }
            }
            return line;
        }

        private static int indent(String line) {
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }

        /** Blank or a comment only (a '#' inside a string is not looked for: this only picks a line to report). */
        private static boolean isBlank(String line) {
            String s = line.strip();
            return s.isEmpty() || s.startsWith("#");
        }
    }

    private static final ParserCallbacks CALLBACKS = new ParserCallbacks() {
        @Override
        public void safePointPoll() {
        }

        @Override
        public RuntimeException reportIncompleteSource(int line) {
            return new SyntaxProblem(line, "unexpected end of file");
        }

        @Override
        public RuntimeException onError(ErrorType type, SourceRange range, String message) {
            boolean zeroWidth = range.startLine == range.endLine && range.startColumn == range.endColumn;
            return new SyntaxProblem(range.startLine, message, zeroWidth && message.startsWith("expected '") ? range.startColumn : -1);
        }

        @Override
        public void onWarning(WarningType type, SourceRange range, String message) {
        }
    };

    static ModTy.Module parse(String source) {
        try {
            Object tree = new Parser(source, CALLBACKS, InputType.FILE, EnumSet.noneOf(AbstractParser.Flags.class), FEATURE_VERSION).parse();
            if (tree instanceof ModTy.Module m) {
                return m;
            }
            throw new SyntaxProblem(1, "invalid syntax");
        } catch (SyntaxProblem e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new SyntaxProblem(1, "the parser failed: " + e);
        }
    }

    /** The expression a string annotation holds ({@code "Foo"}), or null when it does not parse. */
    private static ExprTy parseExpression(String text) {
        try {
            Object tree = new Parser(text, CALLBACKS, InputType.EVAL, EnumSet.noneOf(AbstractParser.Flags.class), FEATURE_VERSION).parse();
            return tree instanceof ModTy.Expression e ? e.body : null;
        } catch (RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ the tree, generically

    /** Child fields of each node class in declaration order, which is the order of CPython's {@code _fields}. */
    private static final ClassValue<Field[]> CHILD_FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Class<?> t = f.getType().isArray() ? f.getType().getComponentType() : f.getType();
                if (SSTNode.class.isAssignableFrom(t)) {
                    fields.add(f);
                }
            }
            return fields.toArray(Field[]::new);
        }
    };

    /** The node's children in {@code ast.iter_child_nodes} order (expression contexts, which are leaves there, left out). */
    static List<SSTNode> children(SSTNode node) {
        Field[] fields = CHILD_FIELDS.get(node.getClass());
        List<SSTNode> out = new ArrayList<>(4);
        try {
            for (Field f : fields) {
                Object v = f.get(node);
                if (v instanceof SSTNode n) {
                    out.add(n);
                } else if (v instanceof SSTNode[] array) {
                    for (SSTNode n : array) {
                        if (n != null) {
                            out.add(n);
                        }
                    }
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("GraalPy's parser tree changed: " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean isDef(SSTNode n) {
        return n instanceof StmtTy.FunctionDef || n instanceof StmtTy.AsyncFunctionDef;
    }

    private static boolean isScope(SSTNode n) {
        return isDef(n) || n instanceof StmtTy.ClassDef;
    }

    /** The statements of a body looking through control flow, in the order the shipped tools always visited them. */
    static void flatten(StmtTy[] body, List<StmtTy> out, boolean[] direct, List<Boolean> flags) {
        if (body == null) {
            return;
        }
        for (StmtTy s : body) {
            out.add(s);
            flags.add(direct[0]);
            boolean was = direct[0];
            direct[0] = false;
            switch (s) {
                case StmtTy.If x -> {
                    flatten(x.body, out, direct, flags);
                    flatten(x.orElse, out, direct, flags);
                }
                case StmtTy.For x -> {
                    flatten(x.body, out, direct, flags);
                    flatten(x.orElse, out, direct, flags);
                }
                case StmtTy.AsyncFor x -> {
                    flatten(x.body, out, direct, flags);
                    flatten(x.orElse, out, direct, flags);
                }
                case StmtTy.While x -> {
                    flatten(x.body, out, direct, flags);
                    flatten(x.orElse, out, direct, flags);
                }
                case StmtTy.With x -> flatten(x.body, out, direct, flags);
                case StmtTy.AsyncWith x -> flatten(x.body, out, direct, flags);
                case StmtTy.Try x -> {
                    flatten(x.body, out, direct, flags);
                    flatten(x.orElse, out, direct, flags);
                    flatten(x.finalBody, out, direct, flags);
                    handlers(x.handlers, out, direct, flags);
                }
                case StmtTy.TryStar x -> {
                    flatten(x.body, out, direct, flags);
                    flatten(x.orElse, out, direct, flags);
                    flatten(x.finalBody, out, direct, flags);
                    handlers(x.handlers, out, direct, flags);
                }
                case StmtTy.Match x -> {
                    for (MatchCaseTy c : x.cases) {
                        flatten(c.body, out, direct, flags);
                    }
                }
                default -> {
                }
            }
            direct[0] = was;
        }
    }

    private static void handlers(ExceptHandlerTy[] handlers, List<StmtTy> out, boolean[] direct, List<Boolean> flags) {
        if (handlers == null) {
            return;
        }
        for (ExceptHandlerTy h : handlers) {
            flatten(((ExceptHandlerTy.ExceptHandler) h).body, out, direct, flags);
        }
    }

    private static StmtTy[] nonNull(StmtTy[] a) {
        return a == null ? new StmtTy[0] : a;
    }

    // ------------------------------------------------------------------ source text

    /** The file's lines as {@code ast} counts them (\r\n, \r and \n end a line; form feeds do not). */
    static final class Lines {
        private final String[] lines;
        private final byte[] ascii; // per line: 1 all ASCII, 2 not, 0 unknown

        Lines(String source) {
            String s = source.replace("\r\n", "\n").replace('\r', '\n');
            String[] split = s.split("\n", -1);
            int n = split.length;
            if (n > 0 && split[n - 1].isEmpty()) {
                n--;
            }
            this.lines = java.util.Arrays.copyOf(split, n);
            this.ascii = new byte[n];
        }

        int count() {
            return lines.length;
        }

        String line(int n) {
            return n >= 1 && n <= lines.length ? lines[n - 1] : "";
        }

        private boolean isAscii(int n) {
            if (n < 1 || n > lines.length) {
                return true;
            }
            if (ascii[n - 1] == 0) {
                boolean a = true;
                String l = lines[n - 1];
                for (int i = 0; i < l.length() && a; i++) {
                    a = l.charAt(i) < 0x80;
                }
                ascii[n - 1] = (byte) (a ? 1 : 2);
            }
            return ascii[n - 1] == 1;
        }

        /** The char index in line {@code n} of code point column {@code col}. */
        private int index(int n, int col) {
            String l = line(n);
            if (isAscii(n)) {
                return Math.min(Math.max(col, 0), l.length());
            }
            int cps = l.codePointCount(0, l.length());
            return l.offsetByCodePoints(0, Math.min(Math.max(col, 0), cps));
        }

        /** {@code ast}'s col_offset (UTF-8 bytes) of a code point column. */
        int byteColumn(int n, int col) {
            if (isAscii(n)) {
                return col;
            }
            return line(n).substring(0, index(n, col)).getBytes(StandardCharsets.UTF_8).length;
        }

        /** Source text of a range, lines after the first joined by a space, each stripped (as the tools' Slicer did). */
        String text(SSTNode node) {
            if (node == null) {
                return null;
            }
            SourceRange r = node.getSourceRange();
            if (r.startLine == r.endLine) {
                String l = line(r.startLine);
                int a = index(r.startLine, r.startColumn);
                int b = Math.max(a, index(r.startLine, r.endColumn));
                return l.substring(a, b);
            }
            StringBuilder sb = new StringBuilder();
            sb.append(strip(line(r.startLine).substring(index(r.startLine, r.startColumn))));
            for (int n = r.startLine + 1; n < r.endLine; n++) {
                sb.append(' ').append(strip(line(n)));
            }
            sb.append(' ').append(strip(line(r.endLine).substring(0, index(r.endLine, r.endColumn))));
            return sb.toString();
        }
    }

    /** Python's {@code str.isspace} for one code point. */
    static boolean isPySpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    /** Python's {@code str.strip()}. */
    static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isPySpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isPySpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    // ------------------------------------------------------------------ docstrings

    private static String stringConstant(ExprTy e) {
        if (e instanceof ExprTy.Constant c && c.value.kind == ConstantValue.Kind.CODEPOINTS) {
            return c.value.getCodePoints().toJavaString();
        }
        return null;
    }

    /**
     * The first non-blank line of a body's docstring, stripped: what {@code ast.get_docstring} (tabs expanded)
     * followed by {@code strip().splitlines()} gives. Not truncated.
     */
    static String docstring(StmtTy[] body) {
        if (body == null || body.length == 0 || !(body[0] instanceof StmtTy.Expr e)) {
            return null;
        }
        String doc = stringConstant(e.value);
        if (doc == null) {
            return null;
        }
        StringBuilder line = new StringBuilder();
        int column = 0;
        for (int i = 0; i <= doc.length(); i++) {
            char c = i < doc.length() ? doc.charAt(i) : '\n';
            if (isLineBreak(c) || i == doc.length()) {
                String s = strip(line.toString());
                if (!s.isEmpty()) {
                    return s;
                }
                line.setLength(0);
                if (c == '\n' || c == '\r') {
                    column = 0;
                }
                if (c != '\n' && c != '\r') {
                    column = 0; // splitlines breaks here; expandtabs does not reset, but the line is dropped either way
                }
                continue;
            }
            if (c == '\t') {
                int spaces = 8 - column % 8;
                line.append(" ".repeat(spaces));
                column += spaces;
            } else {
                line.append(c);
                column++;
            }
        }
        return null;
    }

    /** The separators of {@code str.splitlines}. */
    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
                || c == 0x2028 || c == 0x2029;
    }

    // ------------------------------------------------------------------ expressions

    /** a.b.c of a Name/Attribute chain, else null. */
    static List<String> dotted(ExprTy e) {
        ArrayDeque<String> parts = new ArrayDeque<>();
        while (e instanceof ExprTy.Attribute a) {
            parts.addFirst(a.attr);
            e = a.value;
        }
        if (e instanceof ExprTy.Name n) {
            parts.addFirst(n.id);
            return new ArrayList<>(parts);
        }
        return null;
    }

    private static ArrayNode chain(List<String> parts) {
        if (parts == null) {
            return null;
        }
        ArrayNode a = F.arrayNode(parts.size());
        parts.forEach(a::add);
        return a;
    }

    /** A short source-like text of a callee expression (find_callees' text_of). */
    static String calleeText(ExprTy e) {
        return switch (e) {
            case ExprTy.Name n -> n.id;
            case ExprTy.Attribute a -> calleeText(a.value) + "." + a.attr;
            case ExprTy.Call c -> calleeText(c.func) + "()";
            case ExprTy.Subscript s -> calleeText(s.value) + "[]";
            default -> "(...)";
        };
    }

    /** The class an annotation names: {@code Foo}, {@code "Foo"}, {@code Optional[Foo]}, {@code Foo | None}. */
    static ExprTy annotationClass(ExprTy a) {
        String text = stringConstant(a);
        if (text != null) {
            return parseExpression(text);
        }
        if (a instanceof ExprTy.Subscript s) {
            List<String> d = dotted(s.value);
            if (d != null && (d.equals(List.of("Optional")) || d.equals(List.of("typing", "Optional")))) {
                return s.slice;
            }
        }
        if (a instanceof ExprTy.BinOp b && b.op == OperatorTy.BitOr && b.right instanceof ExprTy.Constant c
                && c.value.kind == ConstantValue.Kind.NONE) {
            return b.left;
        }
        return a;
    }

    private static ArrayNode typeRef(ExprTy annotation) {
        return annotation == null ? null : chain(dotted(annotationClass(annotation)));
    }

    private static ObjectNode importEntry(StmtTy s, AliasTy alias) {
        ObjectNode o = F.objectNode();
        o.put("line", s.getSourceRange().startLine);
        if (s instanceof StmtTy.ImportFrom f) {
            o.put("module", ".".repeat(f.level) + (f.module == null ? "" : f.module));
        } else {
            o.putNull("module");
        }
        o.put("name", alias.name);
        o.put("as", alias.asName);
        return o;
    }

    private static void addImports(StmtTy s, ArrayNode into) {
        AliasTy[] names = s instanceof StmtTy.Import i ? i.names : s instanceof StmtTy.ImportFrom f ? f.names : null;
        if (names != null) {
            for (AliasTy a : names) {
                into.add(importEntry(s, a));
            }
        }
    }

    // ------------------------------------------------------------------ the outline

    private static final class Builder {
        private final Lines lines;
        private final Set<Part> parts;
        private final ObjectNode out;
        private final ArrayNode defs;
        private final Map<String, Integer> taken = new HashMap<>();
        /** Names bound by module-level imports (looking through control flow). */
        private final Set<String> imported = new LinkedHashSet<>();

        Builder(Lines lines, Set<Part> parts, ObjectNode out) {
            this.lines = lines;
            this.parts = parts;
            this.out = out;
            ArrayNode imports = out.putArray("imports");
            this.defs = out.putArray("defs");
            this.importsNode = imports;
        }

        private final ArrayNode importsNode;

        void module(ModTy.Module m) {
            StmtTy[] body = nonNull(m.body);
            List<StmtTy> flat = new ArrayList<>();
            List<Boolean> direct = new ArrayList<>();
            flatten(body, flat, new boolean[] {true}, direct);
            for (int i = 0; i < flat.size(); i++) {
                StmtTy s = flat.get(i);
                int before = importsNode.size();
                addImports(s, importsNode);
                for (int k = before; k < importsNode.size(); k++) {
                    ObjectNode e = (ObjectNode) importsNode.get(k);
                    e.put("top", direct.get(i));
                    imported.add(bound(e));
                }
            }
            if (parts.contains(Part.CALLS)) {
                List<StmtTy> own = new ArrayList<>();
                for (StmtTy s : body) {
                    if (!isScope(s)) {
                        own.add(s);
                    }
                }
                out.set("module_calls", calls(own));
            }
            if (parts.contains(Part.EXPORTS)) {
                out.set("exports", exports(body));
            }
            visit(body, "", null, false);
        }

        /** The name an import binds in its scope ("import a.b" binds a). */
        private static String bound(ObjectNode e) {
            String as = e.path("as").asText(null);
            if (as != null && !e.path("as").isNull()) {
                return as;
            }
            String name = e.path("name").asText();
            return e.path("module").isNull() ? name.split("\\.", 2)[0] : name;
        }

        private String unique(String qualified) {
            int count = taken.merge(qualified, 1, Integer::sum);
            return count == 1 ? qualified : qualified + "#" + count;
        }

        private void visit(StmtTy[] body, String prefix, String parent, boolean inClass) {
            List<StmtTy> flat = new ArrayList<>();
            List<Boolean> direct = new ArrayList<>();
            flatten(nonNull(body), flat, new boolean[] {true}, direct);
            for (int i = 0; i < flat.size(); i++) {
                StmtTy s = flat.get(i);
                if (isDef(s)) {
                    String qualified = unique(prefix + name(s));
                    function(s, qualified, parent, inClass, direct.get(i));
                    visit(body(s), qualified + ".", qualified, false);
                } else if (s instanceof StmtTy.ClassDef c) {
                    String qualified = unique(prefix + c.name);
                    klass(c, qualified, parent, direct.get(i));
                    visit(c.body, qualified + ".", qualified, true);
                }
            }
        }

        private static String name(StmtTy s) {
            return s instanceof StmtTy.FunctionDef f ? f.name : ((StmtTy.AsyncFunctionDef) s).name;
        }

        private static StmtTy[] body(StmtTy s) {
            return nonNull(s instanceof StmtTy.FunctionDef f ? f.body : ((StmtTy.AsyncFunctionDef) s).body);
        }

        private static ExprTy[] decorators(StmtTy s) {
            ExprTy[] d = switch (s) {
                case StmtTy.FunctionDef f -> f.decoratorList;
                case StmtTy.AsyncFunctionDef f -> f.decoratorList;
                case StmtTy.ClassDef c -> c.decoratorList;
                default -> null;
            };
            return d == null ? new ExprTy[0] : d;
        }

        private static ArgumentsTy arguments(StmtTy s) {
            return s instanceof StmtTy.FunctionDef f ? f.args : ((StmtTy.AsyncFunctionDef) s).args;
        }

        private ObjectNode common(StmtTy s, String qualified, String simple, String kind, String parent, boolean direct) {
            ObjectNode d = defs.addObject();
            SourceRange r = s.getSourceRange();
            ExprTy[] decorators = decorators(s);
            int line = r.startLine;
            d.put("name", qualified).put("simple", simple).put("kind", kind).put("parent", parent);
            d.put("line", line).put("col", lines.byteColumn(line, r.startColumn));
            d.put("start_line", decorators.length > 0 ? decorators[0].getSourceRange().startLine : line);
            d.put("end_line", r.endLine);
            d.put("direct", direct);
            ArrayNode decs = d.putArray("decorators");
            for (ExprTy e : decorators) {
                decs.add("@" + lines.text(e));
            }
            return d;
        }

        private void function(StmtTy s, String qualified, String parent, boolean inClass, boolean direct) {
            ObjectNode d = common(s, qualified, name(s), inClass ? "method" : "function", parent, direct);
            StmtTy[] body = body(s);
            ArgumentsTy a = arguments(s);
            ExprTy returns = s instanceof StmtTy.FunctionDef f ? f.returns : ((StmtTy.AsyncFunctionDef) s).returns;
            d.put("async", s instanceof StmtTy.AsyncFunctionDef);
            d.put("docstring", docstring(body));
            d.set("params", params(a));
            d.put("returns", lines.text(returns));
            d.put("decisions", decisions(s));
            d.set("mentions", mentions(s));
            if (parts.contains(Part.CALLS)) {
                d.set("calls", calls(List.of(body)));
            }
            if (parts.contains(Part.READS)) {
                d.set("reads", reads(List.of(body)));
            }
        }

        private void klass(StmtTy.ClassDef c, String qualified, String parent, boolean direct) {
            ObjectNode d = common(c, qualified, c.name, "class", parent, direct);
            d.put("async", false);
            d.put("docstring", docstring(c.body));
            ArrayNode bases = d.putArray("bases");
            ArrayNode refs = d.putArray("base_refs");
            for (ExprTy b : c.bases == null ? new ExprTy[0] : c.bases) {
                bases.add(lines.text(b));
                refs.add(chain(dotted(b)));
            }
            ArrayNode keywords = d.putArray("keywords");
            for (KeywordTy k : c.keywords == null ? new KeywordTy[0] : c.keywords) {
                keywords.addArray().add(k.arg).add(lines.text(k.value));
            }
            d.put("decisions", decisions(c));
            StmtTy[] body = nonNull(c.body);
            if (parts.contains(Part.CALLS)) {
                List<StmtTy> own = new ArrayList<>();
                for (StmtTy s : body) {
                    if (!isScope(s)) {
                        own.add(s);
                    }
                }
                d.set("calls", calls(own));
            }
            if (parts.contains(Part.READS)) {
                List<SSTNode> own = new ArrayList<>(List.of(body));
                if (c.bases != null) {
                    own.addAll(List.of(c.bases));
                }
                own.addAll(List.of(decorators(c)));
                d.set("reads", reads(own));
            }
        }

        private ArrayNode params(ArgumentsTy a) {
            ArrayNode out = F.arrayNode();
            ArgTy[] posonly = a.posOnlyArgs == null ? new ArgTy[0] : a.posOnlyArgs;
            ArgTy[] args = a.args == null ? new ArgTy[0] : a.args;
            ExprTy[] defaults = a.defaults == null ? new ExprTy[0] : a.defaults;
            int positional = posonly.length + args.length;
            for (int i = 0; i < positional; i++) {
                ArgTy arg = i < posonly.length ? posonly[i] : args[i - posonly.length];
                int di = i - (positional - defaults.length);
                param(out, arg, i < posonly.length ? "posonly" : "arg", di >= 0 ? defaults[di] : null);
            }
            if (a.varArg != null) {
                param(out, a.varArg, "vararg", null);
            }
            ArgTy[] kwonly = a.kwOnlyArgs == null ? new ArgTy[0] : a.kwOnlyArgs;
            for (int i = 0; i < kwonly.length; i++) {
                param(out, kwonly[i], "kwonly", a.kwDefaults != null && i < a.kwDefaults.length ? a.kwDefaults[i] : null);
            }
            if (a.kwArg != null) {
                param(out, a.kwArg, "kwarg", null);
            }
            return out;
        }

        private void param(ArrayNode out, ArgTy arg, String kind, ExprTy dflt) {
            ObjectNode p = out.addObject();
            p.put("name", arg.arg).put("kind", kind).put("annotation", lines.text(arg.annotation)).put("default", lines.text(dflt));
            if (arg.annotation != null) {
                p.set("type_ref", typeRef(arg.annotation));
            }
        }

        /** Module-level imported names the definition mentions anywhere (ast.walk order, each once). */
        private ArrayNode mentions(StmtTy def) {
            ArrayNode out = F.arrayNode();
            if (imported.isEmpty()) {
                return out;
            }
            Set<String> seen = new LinkedHashSet<>();
            ArrayDeque<SSTNode> queue = new ArrayDeque<>();
            queue.add(def);
            while (!queue.isEmpty()) {
                SSTNode n = queue.poll();
                if (n instanceof ExprTy.Name name && imported.contains(name.id) && seen.add(name.id)) {
                    out.add(name.id);
                }
                queue.addAll(children(n));
            }
            return out;
        }

        // ---------------------------------------------------------------- per-scope facts

        /** Decision points of the definition's own scope (nested definitions and lambdas count for no one here). */
        private static int decisions(SSTNode def) {
            int count = 0;
            ArrayDeque<SSTNode> stack = new ArrayDeque<>(children(def));
            while (!stack.isEmpty()) {
                SSTNode c = stack.pop();
                if (c instanceof ExprTy.Lambda || isScope(c)) {
                    continue;
                }
                switch (c) {
                    case StmtTy.If x -> count++;
                    case StmtTy.For x -> count++;
                    case StmtTy.AsyncFor x -> count++;
                    case StmtTy.While x -> count++;
                    case ExprTy.IfExp x -> count++;
                    case ExceptHandlerTy.ExceptHandler x -> count++;
                    case MatchCaseTy x -> count++;
                    case ExprTy.BoolOp b -> count += b.values.length - 1;
                    case ComprehensionTy k -> count += k.ifs == null ? 0 : k.ifs.length;
                    default -> {
                    }
                }
                stack.addAll(children(c));
            }
            return count;
        }

        /**
         * find_callees' facts of one caller's body: nodes met by a walk that does not enter nested functions or
         * classes (their decorators, defaults, bases and keyword values run here) and takes a node's children
         * last-first — the order the tool's tables have always had.
         */
        private ObjectNode calls(List<? extends SSTNode> body) {
            ObjectNode o = F.objectNode();
            ArrayNode calls = o.putArray("calls");
            Set<String> stores = new LinkedHashSet<>();
            ArrayNode imports = o.putArray("imports");
            ArrayNode assigns = o.putArray("assigns");
            ArrayNode annotated = o.putArray("annotated");
            ArrayDeque<SSTNode> stack = new ArrayDeque<>();
            for (int i = body.size() - 1; i >= 0; i--) {
                stack.push(body.get(i)); // the first statement on top
            }
            while (!stack.isEmpty()) {
                SSTNode n = stack.pop();
                switch (n) {
                    case ExprTy.Call c -> calls.add(call(c));
                    case ExprTy.Name name when name.context == ExprContextTy.Store -> stores.add(name.id);
                    case StmtTy.Import i -> addImports(i, imports);
                    case StmtTy.ImportFrom i -> addImports(i, imports);
                    case StmtTy.Assign a when a.targets.length == 1 && a.targets[0] instanceof ExprTy.Name t
                            && a.value instanceof ExprTy.Call v -> assigns.addArray().add(t.id).add(chain(dotted(v.func)));
                    case StmtTy.AnnAssign a when a.target instanceof ExprTy.Name t ->
                            annotated.addArray().add(t.id).add(typeRef(a.annotation));
                    default -> {
                    }
                }
                List<SSTNode> next = new ArrayList<>();
                if (isScope(n)) {
                    next.addAll(List.of(decorators((StmtTy) n)));
                    if (n instanceof StmtTy.ClassDef c) {
                        if (c.bases != null) {
                            next.addAll(List.of(c.bases));
                        }
                        if (c.keywords != null) {
                            for (KeywordTy k : c.keywords) {
                                next.add(k.value);
                            }
                        }
                    } else {
                        ArgumentsTy a = arguments((StmtTy) n);
                        if (a.defaults != null) {
                            for (ExprTy e : a.defaults) {
                                if (e != null) {
                                    next.add(e);
                                }
                            }
                        }
                        if (a.kwDefaults != null) {
                            for (ExprTy e : a.kwDefaults) {
                                if (e != null) {
                                    next.add(e);
                                }
                            }
                        }
                    }
                } else {
                    next = children(n);
                }
                for (SSTNode c : next) {
                    stack.push(c); // as the tool's stack.extend: the last child is taken first
                }
            }
            ArrayNode s = o.putArray("stores");
            stores.forEach(s::add);
            return o;
        }

        private ObjectNode call(ExprTy.Call c) {
            ObjectNode o = F.objectNode();
            o.put("line", c.getSourceRange().startLine);
            String text = calleeText(c.func);
            o.put("text", text.length() > 120 ? text.substring(0, 120) : text);
            if (c.func instanceof ExprTy.Name n) {
                o.put("name", n.id);
            } else if (c.func instanceof ExprTy.Attribute a) {
                o.put("attr", a.attr);
                o.set("chain", chain(dotted(a)));
                if (a.value instanceof ExprTy.Call inner) {
                    o.set("call", chain(dotted(inner.func)));
                } else if (a.value instanceof ExprTy.Name v) {
                    o.put("var", v.id);
                }
            }
            return o;
        }

        /** scan_imports' facts of one node's own body: names read (each once, first use first), stored, imports. */
        private ObjectNode reads(List<? extends SSTNode> body) {
            ObjectNode o = F.objectNode();
            Set<String> loads = new LinkedHashSet<>();
            Set<String> stores = new LinkedHashSet<>();
            ArrayNode imports = F.arrayNode();
            ArrayDeque<SSTNode> stack = new ArrayDeque<>();
            for (int i = body.size() - 1; i >= 0; i--) {
                stack.push(body.get(i));
            }
            while (!stack.isEmpty()) {
                SSTNode n = stack.pop();
                switch (n) {
                    case ExprTy.Name name when name.context == ExprContextTy.Store -> stores.add(name.id);
                    case ExprTy.Name name when name.context == ExprContextTy.Load -> loads.add(name.id);
                    case StmtTy.Import i -> addImports(i, imports);
                    case StmtTy.ImportFrom i -> addImports(i, imports);
                    default -> {
                    }
                }
                if (isScope(n)) {
                    List<SSTNode> next = new ArrayList<>(List.of(decorators((StmtTy) n)));
                    if (n instanceof StmtTy.ClassDef c) {
                        if (c.bases != null) {
                            next.addAll(List.of(c.bases));
                        }
                    } else {
                        ArgumentsTy a = arguments((StmtTy) n);
                        for (ExprTy[] group : new ExprTy[][] {a.defaults, a.kwDefaults}) {
                            if (group != null) {
                                for (ExprTy e : group) {
                                    if (e != null) {
                                        next.add(e);
                                    }
                                }
                            }
                        }
                        for (ArgTy[] group : new ArgTy[][] {a.args, a.kwOnlyArgs}) {
                            if (group != null) {
                                for (ArgTy arg : group) {
                                    if (arg.annotation != null) {
                                        next.add(arg.annotation);
                                    }
                                }
                            }
                        }
                        ExprTy returns = n instanceof StmtTy.FunctionDef f ? f.returns : ((StmtTy.AsyncFunctionDef) n).returns;
                        if (returns != null) {
                            next.add(returns);
                        }
                    }
                    for (SSTNode c : next) {
                        stack.push(c); // as the tool's stack.extend: the last one is taken first
                    }
                    continue;
                }
                List<SSTNode> kids = children(n);
                for (int i = kids.size() - 1; i >= 0; i--) {
                    stack.push(kids.get(i));
                }
            }
            ArrayNode l = o.putArray("loads");
            loads.forEach(l::add);
            ArrayNode s = o.putArray("stores");
            stores.forEach(s::add);
            o.set("imports", imports);
            return o;
        }

        /** list_exports' facts: top-level names in statement order, and what the module does to {@code __all__}. */
        private ObjectNode exports(StmtTy[] body) {
            ObjectNode o = F.objectNode();
            ArrayNode top = o.putArray("top");
            ArrayNode all = o.putArray("all");
            for (StmtTy s : body) {
                switch (s) {
                    case StmtTy.FunctionDef f -> top.addArray().add(f.name).add("def");
                    case StmtTy.AsyncFunctionDef f -> top.addArray().add(f.name).add("def");
                    case StmtTy.ClassDef c -> top.addArray().add(c.name).add("class");
                    case StmtTy.Assign a -> {
                        for (ExprTy t : a.targets) {
                            assigned(t, top);
                        }
                        for (ExprTy t : a.targets) {
                            if (t instanceof ExprTy.Name n && n.id.equals("__all__")) {
                                all.addArray().add("=").add(literalStrings(a.value));
                                break;
                            }
                        }
                    }
                    case StmtTy.AnnAssign a -> assigned(a.target, top);
                    case StmtTy.AugAssign a when a.target instanceof ExprTy.Name n && n.id.equals("__all__") ->
                            all.addArray().add("+=").add(literalStrings(a.value));
                    case StmtTy.Expr e when e.value instanceof ExprTy.Call c && c.func instanceof ExprTy.Attribute at
                            && at.value instanceof ExprTy.Name n && n.id.equals("__all__") && c.args != null && c.args.length > 0 -> {
                        if (at.attr.equals("extend")) {
                            all.addArray().add("extend").add(literalStrings(c.args[0]));
                        } else if (at.attr.equals("append")) {
                            all.addArray().add("append").add(stringConstant(c.args[0]));
                        }
                    }
                    default -> {
                    }
                }
            }
            return o;
        }

        private static void assigned(ExprTy target, ArrayNode top) {
            if (target instanceof ExprTy.Name n) {
                top.addArray().add(n.id).add("name");
            } else if (target instanceof ExprTy.Tuple t) {
                for (ExprTy e : t.elements) {
                    if (e instanceof ExprTy.Name n) {
                        top.addArray().add(n.id).add("name");
                    }
                }
            } else if (target instanceof ExprTy.List l) {
                for (ExprTy e : l.elements) {
                    if (e instanceof ExprTy.Name n) {
                        top.addArray().add(n.id).add("name");
                    }
                }
            }
        }

        private static ArrayNode literalStrings(ExprTy e) {
            ExprTy[] elements = e instanceof ExprTy.List l ? l.elements : e instanceof ExprTy.Tuple t ? t.elements : null;
            if (elements == null) {
                return null;
            }
            ArrayNode out = F.arrayNode();
            for (ExprTy x : elements) {
                String s = stringConstant(x);
                if (s == null) {
                    return null;
                }
                out.add(s);
            }
            return out;
        }
    }
}
