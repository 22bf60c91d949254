package dev.nodestate.hub.failure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.serve.Freshness;
import dev.nodestate.hub.store.NodeStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Demo 1 end to end: a test report in, a failure context per failing test out, written and traced. */
public final class Failures {

    /** One failing test's context and where its page went. */
    public record Served(FailureContexts.FailureContext context, Path page) {
    }

    private Failures() {
    }

    /** Parses {@code report}, builds, writes and traces each failing test's context. */
    public static List<Served> serve(Path root, NodeStore store, Freshness freshness,
            BiFunction<String, Integer, List<Map<String, Object>>> similar, String report, String source, String requester) {
        List<TestReports.FailedTest> failed = TestReports.parse(report, source);
        FailureContexts contexts = new FailureContexts(root, store, freshness, similar);
        FailurePages pages = new FailurePages(root);
        List<Served> out = new ArrayList<>();
        for (TestReports.FailedTest t : failed) {
            FailureContexts.FailureContext c = contexts.build(t);
            try {
                Path page = pages.write(c);
                pages.trace(c, page, requester);
                out.add(new Served(c, page));
            } catch (IOException e) {
                throw new HubException(HubException.ExitCode.FAILURE, "cannot write the failure page of " + t.id() + " under "
                        + FailurePages.directory(root) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The socket's and --json's shape: {"failures": [{..context.., "page": PATH}]}. */
    public static ObjectNode json(Path root, List<Served> served) {
        ObjectNode o = FailureContexts.JSON.createObjectNode();
        ArrayNode list = o.putArray("failures");
        for (Served s : served) {
            ObjectNode c = FailureContexts.JSON.valueToTree(s.context());
            c.put("page", root.toAbsolutePath().normalize().relativize(s.page()).toString());
            list.add(c);
        }
        return o;
    }

    /** One line per failure for people. */
    public static String describe(Path root, Served s) {
        FailureContexts.FailureContext c = s.context();
        long inRepo = c.frames().stream().filter(f -> f.node() != null).count();
        long fresh = c.exercised().stream().filter(n -> "fresh".equals(n.freshness())).count();
        return c.test() + "\n  page " + root.toAbsolutePath().normalize().relativize(s.page()) + "\n  test node "
                + (c.testNode() == null ? "unknown (" + c.testNodeProblem() + ")" : c.testNode().id()) + "; " + c.frames().size()
                + " frame(s), " + inRepo + " in the repository; " + c.exercised().size() + " node(s) exercised (" + fresh + " fresh, "
                + (c.exercised().size() - fresh) + " not)" + (c.exercised().isEmpty() ? "" : "; first: " + c.exercised().getFirst().id()
                + " (" + c.exercised().getFirst().why() + ")");
    }
}
