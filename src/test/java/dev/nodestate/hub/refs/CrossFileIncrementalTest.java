package dev.nodestate.hub.refs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file change updates only the references into and out of it, and the pages of the nodes they touch. */
class CrossFileIncrementalTest {

    static final String CORE = """
            def parse(text):
                return text.split()


            class Store:
                def add(self, x):
                    return parse(x)
            """;
    static final String API = """
            from pkg.core import parse


            def load(t):
                return parse(t)
            """;
    static final String OTHER = """
            from .core import Store


            def keep(s):
                return Store().add(s)
            """;

    @Test
    void editingACallerUpdatesTheCalleesCallersAndPageWithoutTouchingOtherFiles(@TempDir Path repo) throws IOException {
        write(repo, Map.of("pkg/__init__.py", "", "pkg/core.py", CORE, "pkg/api.py", API, "pkg/other.py", OTHER));
        try (AnalysedRepo r = new AnalysedRepo(repo).analyse()) {
            assertEquals(List.of("pkg/api.py::load", "pkg/core.py::Store.add"), r.node("pkg/core.py::parse").callers());
            assertEquals(List.of("pkg/other.py::keep"), r.node("pkg/core.py::Store.add").callers());
            FileIndex coreBefore = r.store.getFileIndex("pkg/core.py").orElseThrow();

            write(repo, Map.of("pkg/api.py", """
                    from pkg.core import parse


                    def load(t):
                        return t


                    def read(t):
                        return parse(t)
                    """));
            ReferenceIndex.Delta delta = reanalyse(r, "pkg/api.py");

            assertEquals(List.of("pkg/api.py::read", "pkg/core.py::Store.add"), r.node("pkg/core.py::parse").callers());
            assertEquals(List.of(), r.node("pkg/api.py::load").callees());
            assertEquals(Set.of("pkg/api.py"), delta.resolvedFiles(), "only the edited file is re-resolved");
            assertEquals(coreBefore, r.store.getFileIndex("pkg/core.py").orElseThrow(), "core.py is not re-indexed");
            String page = Files.readString(new MarkdownPages(repo, r.store).pageOf(NodeId.parse("pkg/core.py::parse")));
            assertTrue(page.contains("pkg/api.py::read") || page.contains("read"), page);
            assertTrue(!page.contains("api.py::load") && !page.contains("load.md"), "the old caller is gone from the page:\n" + page);
        }
    }

    @Test
    void renamingACalleeReResolvesItsCallersFilesWithoutRunningTheToolOnThem(@TempDir Path repo) throws IOException {
        write(repo, Map.of("pkg/__init__.py", "", "pkg/core.py", CORE, "pkg/api.py", API, "pkg/other.py", OTHER));
        try (AnalysedRepo r = new AnalysedRepo(repo).analyse()) {
            write(repo, Map.of("pkg/core.py", CORE.replace("parse", "tokenize")));
            ReferenceIndex.Delta delta = reanalyse(r, "pkg/core.py");

            assertTrue(delta.resolvedFiles().containsAll(Set.of("pkg/core.py", "pkg/api.py")), delta.resolvedFiles().toString());
            assertEquals(List.of(), r.node("pkg/api.py::load").callees(), "the import of parse no longer resolves");
            assertEquals(List.of("parse"), r.analysis.index().unresolvedOf("pkg/api.py::load"));
            assertEquals(List.of("pkg/core.py::Store.add"), r.node("pkg/core.py::tokenize").callers());
            assertEquals(List.of("pkg/other.py::keep"), r.node("pkg/core.py::Store.add").callers(),
                    "callers from files that were not re-run stay");
        }
    }

    @Test
    void deletingAFileRemovesItsCallsFromTheCalleesCallers(@TempDir Path repo) throws IOException {
        write(repo, Map.of("pkg/__init__.py", "", "pkg/core.py", CORE, "pkg/api.py", API, "pkg/other.py", OTHER));
        try (AnalysedRepo r = new AnalysedRepo(repo).analyse()) {
            Files.delete(repo.resolve("pkg/api.py"));
            r.indexer.update(List.of("pkg/api.py"), 1 << 20, p -> { }, Indexer.Listener.NONE);
            r.analysis.forget(List.of("pkg/api.py"));
            assertEquals(List.of("pkg/core.py::Store.add"), r.node("pkg/core.py::parse").callers());
        }
    }

    @Test
    void aJavaMethodAddedInOneFileIsLinkedToItsCallersInOthersAndARemovedOneUnlinked(@TempDir Path repo) throws IOException {
        String a = "package p;\n\npublic class A {\n    public static int f(int x) {\n        return x;\n    }\n}\n";
        write(repo, Map.of("src/main/java/p/A.java", a,
                "src/main/java/p/B.java", "package p;\n\npublic class B {\n    int g() {\n        return A.f(1) + A.h(2);\n    }\n}\n"));
        try (AnalysedRepo r = new AnalysedRepo(repo).analyse()) {
            String g = "src/main/java/p/B.java::B.g()";
            assertEquals(List.of("src/main/java/p/A.java::A.f(int)"), r.node(g).callees());
            assertEquals(List.of("A.h(2)"), r.analysis.index().unresolvedOf(g));

            write(repo, Map.of("src/main/java/p/A.java", a.replace("\n}\n",
                    "\n\n    public static int h(int y) {\n        return y;\n    }\n}\n")));
            r.analysis.filesChanged(List.of("src/main/java/p/A.java"));
            reanalyse(r, "src/main/java/p/A.java");
            assertEquals(List.of("src/main/java/p/A.java::A.f(int)", "src/main/java/p/A.java::A.h(int)"), r.node(g).callees(),
                    "B.java, unchanged, was analysed again because a member it called appeared");
            assertEquals(List.of(g), r.node("src/main/java/p/A.java::A.h(int)").callers());

            write(repo, Map.of("src/main/java/p/A.java", "package p;\n\npublic class A {\n    public static int h(int y) {\n"
                    + "        return y;\n    }\n}\n"));
            r.analysis.filesChanged(List.of("src/main/java/p/A.java"));
            reanalyse(r, "src/main/java/p/A.java");
            assertEquals(List.of("src/main/java/p/A.java::A.h(int)"), r.node(g).callees(), "the edge into the removed f is gone");
        }
    }

    /** What the scheduler does for an approved find_callees: re-extract the file, run the tool on it, hand over the tables. */
    static ReferenceIndex.Delta reanalyse(AnalysedRepo r, String file) throws IOException {
        r.indexer.update(List.of(file), 1 << 20, p -> { }, Indexer.Listener.NONE);
        JsonNode result = r.host.run(r.tools.get(CrossFileAnalysis.CALLEES_TOOL),
                Map.of("file_paths", new ObjectMapper().valueToTree(List.of(file))), r.externals, null).value();
        CrossFileAnalysis.Applied applied = r.analysis.accept(result.get("references"));
        assertEquals(List.of(), applied.errors());
        return applied.delta();
    }

    static void write(Path repo, Map<String, String> files) throws IOException {
        for (var e : files.entrySet()) {
            Path p = repo.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
        }
    }
}
