package dev.nodestate.hub.markdown;

import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Renders node pages and file indexes as markdown with YAML front matter. Text that comes from the code or from a
 * tool (docstrings, decorators, imports) is never markdown or HTML to the renderer: docstrings go into a fenced
 * block, short texts into code spans, titles are escaped, and link targets are percent-encoded ({@code #2} in a
 * node name would otherwise start a URL fragment).
 */
final class PageRenderer {

    /** What a page shows besides the node itself: the file's problem (a syntax error, a skip) and the node's children. */
    record Context(String fileProblem, List<NodeState> children) {
        static final Context NONE = new Context(null, List.of());
    }

    private PageRenderer() {
    }

    static String render(NodeState n, BiFunction<NodeId, String, String> link) {
        return render(n, link, Context.NONE);
    }

    static String render(NodeState n, BiFunction<NodeId, String, String> link, Context context) {
        NodeId id = n.id();
        StringBuilder b = new StringBuilder("---\n");
        b.append("id: ").append(yaml(id.toString())).append('\n');
        b.append("type: ").append(n.nodeType().name().toLowerCase()).append('\n');
        b.append("language: ").append(n.language()).append('\n');
        b.append("file: ").append(yaml(n.filePath())).append('\n');
        b.append("lines: ").append(n.startLine()).append('-').append(n.endLine()).append('\n');
        b.append("source_hash: ").append(n.sourceHash()).append('\n');
        b.append("file_hash: ").append(n.fileHash()).append('\n');
        // the page is written from the file as extracted: fresh, unless the file's current content failed
        b.append("freshness: ").append(context.fileProblem() == null ? "fresh" : "stale").append('\n');
        if (context.fileProblem() != null) {
            b.append("file_error: ").append(yaml(context.fileProblem())).append('\n');
        }
        b.append("updated: ").append(n.lastUpdated()).append('\n');
        b.append("---\n\n");
        b.append("# ").append(inline(id.isModule() ? n.filePath() : id.name())).append("\n\n");
        if (context.fileProblem() != null) {
            b.append("> **Stale:** the file's current content was not extracted: ").append(inline(context.fileProblem()))
                    .append(". This page shows the last content that was.\n\n");
        }
        if (n.parent() != null) {
            b.append("Defined in ").append(link.apply(id, n.parent())).append(".\n\n");
        }
        if (n.signature() != null) {
            b.append("## Signature\n\n").append(fenced(n.language(), n.signature())).append('\n');
        }
        if (n.docstring() != null) {
            b.append("## Docstring\n\n").append(fenced("text", n.docstring()))
                    .append(n.docstringOutdated() ? "*(may be outdated)*\n" : "").append('\n');
        }
        list(b, "Decorators", n.decorators(), PageRenderer::code);
        b.append("## Complexity\n\n").append(n.complexity() == null ? "not computed" : "cyclomatic " + n.complexity())
                .append(", ").append(n.lineCount()).append(" lines\n\n");
        list(b, "Imports", n.imports(), PageRenderer::code);
        if (n.nodeType() == NodeState.Type.CLASS) {
            classSections(b, n, link, context.children());
        }
        list(b, "Callers", n.callers(), c -> link.apply(id, c));
        list(b, "Callees", n.callees(), c -> link.apply(id, c));
        list(b, "Tests", n.relatedTests(), t -> link.apply(id, t));
        return b.toString();
    }

    /** A class's methods (and nested classes), and who calls its constructors ({@code __init__}/{@code __new__}, Java constructors). */
    private static void classSections(StringBuilder b, NodeState n, BiFunction<NodeId, String, String> link, List<NodeState> children) {
        NodeId id = n.id();
        TreeSet<String> constructorCallers = null;
        List<NodeState> methods = new ArrayList<>();
        List<NodeState> nested = new ArrayList<>();
        for (NodeState c : children) {
            (c.nodeType() == NodeState.Type.CLASS ? nested : methods).add(c);
            if (isConstructor(n, c) && c.callers() != null) {
                if (constructorCallers == null) {
                    constructorCallers = new TreeSet<>();
                }
                constructorCallers.addAll(c.callers());
            }
        }
        members(b, "Methods", methods, id, link);
        if (!nested.isEmpty()) {
            members(b, "Nested classes", nested, id, link);
        }
        boolean hasConstructor = children.stream().anyMatch(c -> isConstructor(n, c));
        if (hasConstructor) {
            list(b, "Constructor callers", constructorCallers == null ? null : List.copyOf(constructorCallers), c -> link.apply(id, c));
        }
    }

    private static void members(StringBuilder b, String title, List<NodeState> members, NodeId id,
                                BiFunction<NodeId, String, String> link) {
        b.append("## ").append(title).append("\n\n");
        if (members.isEmpty()) {
            b.append("none\n\n");
            return;
        }
        for (NodeState c : members) {
            b.append("- ").append(link.apply(id, c.id().toString()));
            if (c.signature() != null) {
                b.append(" — ").append(code(c.signature()));
            }
            b.append('\n');
        }
        b.append('\n');
    }

    static boolean isConstructor(NodeState owner, NodeState member) {
        String name = member.id().name();
        String simple = name.substring(name.lastIndexOf('.', name.indexOf('(') < 0 ? name.length() : name.indexOf('(')) + 1);
        if ("java".equals(member.language())) {
            String ownerName = owner.id().name();
            String ownerSimple = ownerName.substring(ownerName.lastIndexOf('.') + 1);
            return simple.startsWith(ownerSimple + "(");
        }
        return simple.equals("__init__") || simple.equals("__new__");
    }

    static String index(String file, List<NodeState> nodes) {
        return index(file, nodes, null);
    }

    static String index(String file, List<NodeState> nodes, String fileProblem) {
        StringBuilder b = new StringBuilder("---\nfile: ").append(yaml(file)).append("\nnodes: ").append(nodes.size()).append('\n');
        if (fileProblem != null) {
            b.append("file_error: ").append(yaml(fileProblem)).append('\n');
        }
        b.append("---\n\n# ").append(inline(file)).append("\n\n");
        if (fileProblem != null) {
            b.append("> **Stale:** ").append(inline(fileProblem)).append("\n\n");
        }
        for (NodeState n : nodes) {
            NodeId id = n.id();
            String page = (id.isModule() ? MarkdownPages.MODULE_PAGE : id.name()) + ".md";
            b.append("- [").append(id.isModule() ? "(module)" : inline(id.name())).append("](")
                    .append(href(page)).append(") — ").append(n.nodeType().name().toLowerCase())
                    .append(", lines ").append(n.startLine()).append('-').append(n.endLine()).append('\n');
        }
        return b.toString();
    }

    /** The top-level page: every indexed file with its node count and problem, linked to the file's index. */
    static String root(List<FileEntry> files) {
        StringBuilder b = new StringBuilder("---\nfiles: ").append(files.size()).append("\nnodes: ")
                .append(files.stream().mapToLong(FileEntry::nodes).sum()).append("\n---\n\n# Node pages\n\n");
        if (files.isEmpty()) {
            b.append("no files indexed yet\n");
        }
        for (FileEntry f : files) {
            b.append("- [").append(inline(f.file())).append("](").append(href(f.file() + "/index.md")).append(") — ")
                    .append(f.nodes()).append(f.nodes() == 1 ? " node" : " nodes");
            if (f.problem() != null) {
                b.append(" — **").append(inline(f.problem())).append("**");
            }
            b.append('\n');
        }
        return b.toString();
    }

    record FileEntry(String file, long nodes, String problem) {
    }

    /** A relative page path as a link target: every byte outside the unreserved characters and '/' percent-encoded. */
    static String href(String path) {
        StringBuilder b = new StringBuilder();
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** Text in a markdown line (titles, link labels): markdown punctuation backslash-escaped, HTML's specials as entities. */
    static String inline(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.replace('\n', ' ').replace('\r', ' ').toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\\', '`', '*', '_', '[', ']', '#', '|', '!', '(', ')', '{', '}' -> b.append('\\').append(c);
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A code span that holds any text: delimited by one backtick more than the longest run inside. */
    static String code(String s) {
        String text = s.replace('\n', ' ').replace('\r', ' ');
        String fence = "`".repeat(longestRun(text, '`') + 1);
        String pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
        return fence + pad + text + pad + fence;
    }

    /** A fenced block that holds any text verbatim (a fence longer than any backtick run in it). */
    static String fenced(String info, String text) {
        String fence = "`".repeat(Math.max(3, longestRun(text, '`') + 1));
        return fence + (info == null ? "" : info) + '\n' + text + (text.endsWith("\n") ? "" : "\n") + fence + '\n';
    }

    private static int longestRun(String s, char c) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == c ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    private static void list(StringBuilder b, String title, List<String> items,
                             java.util.function.Function<String, String> format) {
        b.append("## ").append(title).append("\n\n");
        if (items == null) {
            b.append("not computed yet\n\n");
            return;
        }
        if (items.isEmpty()) {
            b.append("none\n\n");
            return;
        }
        items.forEach(i -> b.append("- ").append(format.apply(i)).append('\n'));
        b.append('\n');
    }

    private static String yaml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
