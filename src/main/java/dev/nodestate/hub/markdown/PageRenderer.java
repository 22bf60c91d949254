package dev.nodestate.hub.markdown;

import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import java.util.List;
import java.util.function.BiFunction;

/** Renders node pages and file indexes as markdown with YAML front matter. */
final class PageRenderer {

    private PageRenderer() {
    }

    static String render(NodeState n, BiFunction<NodeId, String, String> link) {
        NodeId id = n.id();
        StringBuilder b = new StringBuilder("---\n");
        b.append("id: ").append(yaml(id.toString())).append('\n');
        b.append("type: ").append(n.nodeType().name().toLowerCase()).append('\n');
        b.append("language: ").append(n.language()).append('\n');
        b.append("file: ").append(yaml(n.filePath())).append('\n');
        b.append("lines: ").append(n.startLine()).append('-').append(n.endLine()).append('\n');
        b.append("source_hash: ").append(n.sourceHash()).append('\n');
        b.append("file_hash: ").append(n.fileHash()).append('\n');
        b.append("freshness: fresh\n");
        b.append("updated: ").append(n.lastUpdated()).append('\n');
        b.append("---\n\n");
        b.append("# ").append(id.isModule() ? n.filePath() : id.name()).append("\n\n");
        if (n.parent() != null) {
            b.append("Defined in ").append(link.apply(id, n.parent())).append(".\n\n");
        }
        if (n.signature() != null) {
            b.append("## Signature\n\n```").append(n.language()).append('\n').append(n.signature()).append("\n```\n\n");
        }
        if (n.docstring() != null) {
            b.append("## Docstring\n\n").append(n.docstring()).append(n.docstringOutdated() ? " *(may be outdated)*" : "")
                    .append("\n\n");
        }
        list(b, "Decorators", n.decorators(), d -> "`" + d + "`");
        b.append("## Complexity\n\n").append(n.complexity() == null ? "not computed" : "cyclomatic " + n.complexity())
                .append(", ").append(n.lineCount()).append(" lines\n\n");
        list(b, "Imports", n.imports(), i -> "`" + i + "`");
        list(b, "Callers", n.callers(), c -> link.apply(id, c));
        list(b, "Callees", n.callees(), c -> link.apply(id, c));
        list(b, "Tests", n.relatedTests(), t -> link.apply(id, t));
        return b.toString();
    }

    static String index(String file, List<NodeState> nodes) {
        StringBuilder b = new StringBuilder("---\nfile: ").append(yaml(file)).append("\nnodes: ").append(nodes.size())
                .append("\n---\n\n# ").append(file).append("\n\n");
        for (NodeState n : nodes) {
            NodeId id = n.id();
            String page = (id.isModule() ? MarkdownPages.MODULE_PAGE : id.name()) + ".md";
            b.append("- [").append(id.isModule() ? "(module)" : id.name()).append("](")
                    .append(page.replace(" ", "%20")).append(") — ").append(n.nodeType().name().toLowerCase())
                    .append(", lines ").append(n.startLine()).append('-').append(n.endLine()).append('\n');
        }
        return b.toString();
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
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
