package dev.nodestate.hub.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesRegistryTest {

    private static final String RULE = """
            rules:
              - name: %s
                propose:
                  - tool: extract_signatures
            """;

    /** The next update a listener hears, waiting at most 20 s. */
    private static RulesRegistry.Update next(BlockingQueue<RulesRegistry.Update> updates) throws InterruptedException {
        RulesRegistry.Update u = updates.poll(20, TimeUnit.SECONDS);
        if (u == null) {
            throw new AssertionError("no reload within 20 s");
        }
        return u;
    }

    /** Updates until one satisfies {@code done} (an editor's save may arrive as more than one reload). */
    private static RulesRegistry.Update until(BlockingQueue<RulesRegistry.Update> updates,
            java.util.function.Predicate<RulesRegistry.Update> done) throws InterruptedException {
        RulesRegistry.Update u = next(updates);
        while (!done.test(u)) {
            u = next(updates);
        }
        return u;
    }

    private static List<String> names(RuleSet set) {
        return set.rules().stream().map(Rule::name).toList();
    }

    @Test
    void aValidEditIsPickedUpAndAnInvalidOneKeepsTheLastGoodRules(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), RULE.formatted("first"));
        BlockingQueue<RulesRegistry.Update> updates = new LinkedBlockingQueue<>();
        try (RulesRegistry registry = new RulesRegistry(dir, Set.of("extract_signatures")::contains).watch()) {
            registry.onChange(updates::add);
            assertEquals(List.of("first"), names(registry.current()));
            assertEquals(List.of(), registry.problems());

            Files.writeString(dir.resolve("a.yaml"), RULE.formatted("second"));
            RulesRegistry.Update valid = until(updates, u -> names(u.current()).equals(List.of("second")));
            assertTrue(valid.applied());
            assertEquals(List.of("second"), names(registry.current()));

            Files.writeString(dir.resolve("a.yaml"), RULE.formatted("third").replace("propose", "propsoe"));
            RulesRegistry.Update invalid = until(updates, u -> !u.applied());
            assertFalse(invalid.applied());
            assertEquals(List.of("second"), names(registry.current()), "the last good rules stay in service");
            assertEquals("rules[0].propsoe", registry.problems().getFirst().path());
            assertEquals(3, registry.problems().getFirst().line());
            List<String> told = invalid.describe();
            assertTrue(told.getFirst().contains("keeping the last good rules (1 rule(s))"), told::toString);
            assertTrue(told.stream().anyMatch(l -> l.contains(":3: error: rules[0].propsoe: unknown key 'propsoe'")), told::toString);

            Files.writeString(dir.resolve("b.yaml"), RULE.formatted("other"));
            Files.writeString(dir.resolve("a.yaml"), RULE.formatted("fixed"));
            until(updates, u -> names(u.current()).size() == 2);
            assertEquals(List.of("fixed", "other"), names(registry.current()));

            Files.delete(dir.resolve("b.yaml"));
            RulesRegistry.Update deleted = until(updates, u -> names(u.current()).size() == 1);
            assertTrue(deleted.applied());
            assertEquals(List.of("fixed"), names(registry.current()));
        }
    }

    @Test
    void aToolThatAppearsMakesRulesValidOnRevalidate(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), RULE.formatted("needs-tool").replace("extract_signatures", "find_callers"));
        Set<String> tools = ConcurrentHashMap.newKeySet();
        BlockingQueue<RulesRegistry.Update> updates = new LinkedBlockingQueue<>();
        try (RulesRegistry registry = new RulesRegistry(dir, tools::contains)) {
            registry.onChange(updates::add);
            assertEquals(List.of(), names(registry.current()), "no rules are served before a first valid load");
            assertEquals("unknown tool 'find_callers'", registry.problems().getFirst().message());

            registry.revalidate();
            assertTrue(updates.isEmpty(), "nothing changed, nothing to tell");

            tools.add("find_callers");
            RulesRegistry.Update update = registry.revalidate();
            assertTrue(update.applied());
            assertEquals(List.of("needs-tool"), names(registry.current()));
            assertEquals(List.of(), registry.problems());
            assertEquals(update, updates.poll(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingStopsTheWatcher(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), RULE.formatted("first"));
        BlockingQueue<RulesRegistry.Update> updates = new LinkedBlockingQueue<>();
        RulesRegistry registry = new RulesRegistry(dir, Set.of("extract_signatures")::contains).watch();
        registry.onChange(updates::add);
        registry.close();
        Files.writeString(dir.resolve("a.yaml"), RULE.formatted("second"));
        assertEquals(null, updates.poll(Duration.ofMillis(RulesRegistry.QUIET_MS * 5).toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(List.of("first"), names(registry.current()));
    }
}
