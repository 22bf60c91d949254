package dev.nodestate.hub.refs;

import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Test fixture: a repository indexed and cross-file analysed with the real tools/ on the shared runtime. */
final class AnalysedRepo implements AutoCloseable {

    final Path root;
    final NodeStore store;
    final CrossFileAnalysis analysis;
    final ToolRegistry tools;
    final ToolHost host;
    final Externals externals;
    final Indexer indexer;
    CrossFileAnalysis.Summary summary;

    AnalysedRepo(Path root) throws IOException {
        this.root = root;
        this.store = NodeStore.open(root);
        dev.nodestate.hub.lang.JavaReferences java = new dev.nodestate.hub.lang.JavaReferences(root);
        this.analysis = new CrossFileAnalysis(store, new MarkdownPages(root, store), java);
        this.externals = HostExternals.standard(root, java).with(analysis.externals());
        this.tools = new ToolRegistry(Path.of("tools"), new PymChecker(SharedRuntime.get(), externals));
        this.host = new ToolHost(SharedRuntime.get());
        analysis.bind(tools, host, externals);
        this.indexer = new Indexer(root, store, () -> new Indexer.Tools(tools, host, externals), 2);
    }

    /** Indexes the tree and analyses every file. */
    AnalysedRepo analyse() throws IOException {
        indexer.run(1 << 20, p -> { });
        summary = analysis.catchUp(List.of(), 2, line -> { });
        return this;
    }

    NodeState node(String id) {
        return store.get(id).orElseThrow(() -> new AssertionError("no node " + id + "; nodes: "
                + store.ids().stream().filter(i -> i.startsWith(dev.nodestate.hub.store.NodeId.parse(id).file())).toList()));
    }

    @Override
    public void close() {
        tools.close();
        store.close();
    }
}
