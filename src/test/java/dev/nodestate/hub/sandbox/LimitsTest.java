package dev.nodestate.hub.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.sandbox.ToolError.LimitKind;
import dev.nodestate.hub.tool.PymTool;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run limits of each preset: time, allocation budget and recursion depth stop a run promptly,
 * the pool serves the next run, runs do not see each other's state, a caller can only tighten a
 * tool's limits, and the {@code # limits:} header parses as documented.
 */
class LimitsTest {

    /**
     * Runs a function-calling tool that catches its own RecursionError once on every lane, as a
     * running hub would have: the first runs in a fresh JVM execute the guest's code cold (not yet
     * JIT-compiled) and can take a second on a loaded machine, which is start-up cost, not the time
     * a limit takes to stop a run.
     */
    @BeforeAll
    static void warmEveryLane() {
        PymTool warm = PoolRuns.checked("""
                def down(n):
                    return down(n + 1)


                try:
                    down(0)
                except RecursionError:
                    pass
                "warm"
                """);
        for (int i = 0; i < SharedRuntime.get().laneCount(); i++) {
            assertEquals("warm", PoolRuns.run(warm, null).value().asText());
        }
    }

    static Stream<Arguments> presets() {
        return Stream.of(argumentSet("strict", "strict", Limits.STRICT),
                argumentSet("default", "default", Limits.DEFAULT),
                argumentSet("permissive", "permissive", Limits.PERMISSIVE));
    }

    /** What one run produced and how long the call took, measured around it. */
    record Timed(ToolError error, JsonNode value, long millis) {
    }

    private static Timed timed(PymTool tool, Limits callerLimits) {
        assertFalse(tool.broken(), () -> String.valueOf(tool.findings()));
        long start = System.nanoTime();
        try {
            JsonNode value = PoolRuns.run(tool, callerLimits).value();
            return new Timed(null, value, (System.nanoTime() - start) / 1_000_000);
        } catch (ToolException e) {
            return new Timed(e.error(), null, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static Timed timed(String source) {
        return timed(PoolRuns.checked(source), null);
    }

    private static ToolError.Limit limitError(Timed t, LimitKind kind) {
        assertNull(t.value(), () -> "the run finished with " + t.value());
        ToolError.Limit limit = assertInstanceOf(ToolError.Limit.class, t.error(),
                () -> t.error() == null ? "no error" : t.error().describe());
        assertEquals(kind, limit.limit(), limit::describe);
        return limit;
    }

    /** Twice the time limit plus 50 ms: when the host gives up on a run that does not stop. */
    private static long hardDeadline(Limits limits) {
        return 2 * limits.time().toMillis() + 50;
    }

    // ------------------------------------------------------------------------ time, memory, recursion

    @ParameterizedTest
    @MethodSource("presets")
    void anEndlessLoopIsStoppedPromptlyAtThePresetsTimeLimit(String preset, Limits limits) {
        Timed t = timed("# limits: " + preset + "\nwhile True:\n    pass\n");
        limitError(t, LimitKind.TIME);
        assertTrue(t.millis() >= limits.time().toMillis(), "stopped early, after " + t.millis() + " ms");
        assertTrue(t.millis() <= hardDeadline(limits), "stopped after " + t.millis() + " ms, limit " + limits.time());
        PoolRuns.everyLaneServesANormalRun();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void aRecursionBombIsStoppedPromptlyAtThePresetsDepth(String preset, Limits limits) {
        Timed t = timed("# limits: " + preset + "\ndef down(n):\n    return down(n + 1)\n\n\ndown(0)\n");
        ToolError.Limit limit = limitError(t, LimitKind.RECURSION);
        assertTrue(limit.message().contains("deeper than " + limits.recursion() + " frames"), limit::describe);
        assertTrue(t.millis() <= hardDeadline(limits), "stopped after " + t.millis() + " ms, limit " + limits.time());
        PoolRuns.everyLaneServesANormalRun();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void recursionJustUnderThePresetsDepthIsAllowed(String preset, Limits limits) {
        int depth = limits.recursion() - 10;
        Timed t = timed("# limits: " + preset + "\ndef down(n):\n    return down(n + 1) if n < " + depth
                + " else n\n\n\ndown(1)\n");
        assertNull(t.error(), () -> t.error().describe());
        assertEquals(depth, t.value().asInt());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void aGrowingListIsStoppedAtThePresetsMemoryBudgetBeforeTheJvmIsHarmed(String preset, Limits limits) {
        Timed t = timed("# limits: " + preset + "\nxs = []\nwhile True:\n    xs.append(bytearray(64 * 1024))\n");
        ToolError.Limit limit = limitError(t, LimitKind.MEMORY);
        assertTrue(limit.message().contains("budget of " + (limits.memoryBytes() >> 10) + " KB"), limit::describe);
        assertTrue(t.millis() <= hardDeadline(limits), "stopped after " + t.millis() + " ms");
        // The JVM is unharmed: no OutOfMemoryError reached the host, and every context still works.
        PoolRuns.everyLaneServesANormalRun();
    }

    /**
     * {@code sum(range(n))} runs inside GraalPy's Java code and ignores interruption (see README,
     * Limits). Under strict limits it breaks the 8 MB allocation budget within milliseconds, and the
     * host answers by the hard deadline (twice the time limit plus 50 ms) whether the builtin
     * returned or the context had to be abandoned. The size is bounded so that an abandoned thread
     * finishes on its own within a few seconds instead of burning a core for the rest of the run.
     */
    @Test
    void anUninterruptibleBuiltinStillEndsInALimitErrorByTheHardDeadline() {
        Timed t = timed("# limits: strict\nsum(range(10**7))\n");
        assertNull(t.value(), () -> "the run finished with " + t.value());
        ToolError.Limit limit = assertInstanceOf(ToolError.Limit.class, t.error(),
                () -> t.error() == null ? "no error" : t.error().describe());
        assertTrue(limit.limit() == LimitKind.TIME || limit.limit() == LimitKind.MEMORY, limit::describe);
        // 300 ms of tolerance over the hard deadline: the machine has 2 cores shared with other jobs,
        // and handing the abandoned lane's call back to this thread needs a core.
        long bound = hardDeadline(Limits.STRICT) + 300;
        assertTrue(t.millis() <= bound, "the LimitError came after " + t.millis() + " ms, bound " + bound + " ms");
        PoolRuns.everyLaneServesANormalRun();
    }

    // ------------------------------------------------------------------------------------ isolation

    @Test
    void aRunNeverSeesGlobalsOrModuleAttributesLeftByAPreviousRun() {
        PymTool leaves = PoolRuns.checked("""
                import json
                from json import decoder

                LEFT_BEHIND = "by an earlier run"
                json.FOO = 1
                setattr(json, "BAR", 2)
                decoder.BAZ = 3
                [LEFT_BEHIND, json.FOO, json.BAR, decoder.BAZ]
                """);
        PymTool looks = PoolRuns.checked("""
                import json
                from json import decoder

                try:
                    LEFT_BEHIND
                    seen = True
                except NameError:
                    seen = False
                [seen, "FOO" in dir(json), hasattr(json, "BAR"), hasattr(decoder, "BAZ"), json.dumps({"a": [1, 2]})]
                """);
        int lanes = SharedRuntime.get().laneCount();
        for (int i = 0; i < lanes; i++) { // first-in first-out: one run on each lane
            assertEquals("[\"by an earlier run\",1,2,3]", timed(leaves, null).value().toString());
        }
        for (int i = 0; i < lanes; i++) {
            Timed t = timed(looks, null);
            assertNull(t.error(), () -> t.error().describe());
            assertEquals("[false,false,false,false,\"{\\\"a\\\": [1, 2]}\"]", t.value().toString());
        }
    }

    // ----------------------------------------------------------------------------- caller's limits

    @Test
    void aCallersTighterTimeLimitApplies() {
        Timed t = timed(PoolRuns.checked("# limits: permissive\nwhile True:\n    pass\n"), Limits.STRICT);
        ToolError.Limit limit = limitError(t, LimitKind.TIME);
        assertTrue(limit.message().contains("time limit 500 ms"), limit::describe);
        assertTrue(t.millis() <= hardDeadline(Limits.STRICT), "stopped after " + t.millis() + " ms");
        PoolRuns.everyLaneServesANormalRun();
    }

    @Test
    void aCallersTighterMemoryBudgetApplies() {
        Timed t = timed(PoolRuns.checked("# limits: permissive\nxs = []\nwhile True:\n    xs.append(bytearray(64 * 1024))\n"),
                Limits.parse("permissive, memory=8MB"));
        ToolError.Limit limit = limitError(t, LimitKind.MEMORY);
        assertTrue(limit.message().contains("budget of 8192 KB"), limit::describe);
        PoolRuns.everyLaneServesANormalRun();
    }

    @Test
    void aCallersTighterRecursionLimitApplies() {
        PymTool deep = PoolRuns.checked("# limits: permissive\ndef down(n):\n    return down(n + 1) if n < 300 else n\n\n\ndown(0)\n");
        assertEquals(300, timed(deep, null).value().asInt());
        ToolError.Limit limit = limitError(timed(deep, Limits.STRICT), LimitKind.RECURSION);
        assertTrue(limit.message().contains("deeper than 120 frames"), limit::describe);
    }

    @Test
    void aCallerCannotLoosenAToolsLimits() {
        Timed t = timed(PoolRuns.checked("# limits: strict\nwhile True:\n    pass\n"), Limits.PERMISSIVE);
        ToolError.Limit limit = limitError(t, LimitKind.TIME);
        assertTrue(limit.message().contains("time limit 500 ms"), limit::describe);
        assertTrue(t.millis() <= hardDeadline(Limits.STRICT), "stopped after " + t.millis() + " ms");
    }

    @Test
    void tighteningTakesTheStricterOfEachLimit() {
        Limits tool = new Limits(32L << 20, Duration.ofSeconds(1), 500);
        Limits caller = new Limits(64L << 20, Duration.ofMillis(300), 100);
        Limits expected = new Limits(32L << 20, Duration.ofMillis(300), 100);
        assertEquals(expected, tool.tighten(caller));
        assertEquals(expected, caller.tighten(tool));
        assertEquals(Limits.STRICT, Limits.PERMISSIVE.tighten(Limits.STRICT));
        assertEquals(Limits.STRICT, Limits.STRICT.tighten(Limits.PERMISSIVE));
    }

    // -------------------------------------------------------------------------------- header syntax

    @Test
    void aPresetNameParsesToThatPreset() {
        assertEquals(Limits.STRICT, Limits.parse("strict"));
        assertEquals(Limits.DEFAULT, Limits.parse(" Default "));
        assertEquals(Limits.PERMISSIVE, Limits.parse("PERMISSIVE"));
        assertEquals(Limits.DEFAULT, Limits.parse(""));
    }

    @Test
    void valuesAloneOverrideTheDefaultPreset() {
        assertEquals(new Limits(32L << 20, Duration.ofMillis(1500), 300), Limits.parse("memory=32MB time=1.5s recursion=300"));
        assertEquals(new Limits(Limits.DEFAULT.memoryBytes(), Duration.ofMillis(250), 200), Limits.parse("time=250ms"));
    }

    @Test
    void aPresetFollowedByValuesKeepsTheRestOfThePreset() {
        assertEquals(new Limits(16L << 20, Duration.ofSeconds(3), 200), Limits.parse("default, time=3s"));
        assertEquals(new Limits(4L << 20, Duration.ofMillis(500), 120), Limits.parse("strict memory=4MB"));
        assertEquals(new Limits(64L << 20, Duration.ofSeconds(5), 50), Limits.parse("permissive,recursion=50"));
    }

    @Test
    void memoryIsInPowersOf1024AndTimeInSecondsOrMilliseconds() {
        assertEquals(100, Limits.parse("memory=100").memoryBytes());
        assertEquals(100, Limits.parse("memory=100B").memoryBytes());
        assertEquals(512L << 10, Limits.parse("memory=512KB").memoryBytes());
        assertEquals(2L << 20, Limits.parse("memory=2m").memoryBytes());
        assertEquals(1L << 30, Limits.parse("memory=1GB").memoryBytes());
        assertEquals(Duration.ofSeconds(2), Limits.parse("time=2").time());
        assertEquals(Duration.ofMillis(1500), Limits.parse("time=1.5s").time());
        assertEquals(Duration.ofMillis(40), Limits.parse("time=40ms").time());
    }

    @Test
    void badHeadersAreRefusedWithAMessageNamingTheBadPart() {
        assertEquals("unknown limits preset 'huge'; use strict, default or permissive", parseError("huge"));
        assertEquals("unknown memory unit 'tb'; use B, KB, MB or GB", parseError("memory=3TB"));
        assertEquals("unknown time unit 'h'; use ms or s", parseError("time=1h"));
        assertEquals("recursion takes a plain number of frames, got 'recursion=300x'", parseError("recursion=300x"));
        assertEquals("cannot read 'speed=fast'; write a preset (strict, default, permissive) and/or"
                + " memory=16MB time=2s recursion=200", parseError("memory=32MB speed=fast"));
        assertEquals("cannot read 'default'; write a preset (strict, default, permissive) and/or"
                + " memory=16MB time=2s recursion=200", parseError("strict, default"));
        assertEquals("limits must be positive, got 16 MB / 0 ms / 200 frames", parseError("time=0s"));
        assertEquals("limits must be positive, got 0 MB / 2000 ms / 200 frames", parseError("memory=0"));
    }

    @Test
    void theCheckerReportsABadOrRepeatedLimitsHeader() {
        List<Finding> bad = PoolRuns.checked("# limits: huge\n1\n").findings();
        assertTrue(bad.stream().anyMatch(f -> f.code().equals("PYM011") && f.line() == 1
                && f.message().equals("bad limits header: unknown limits preset 'huge'; use strict, default or permissive")), bad::toString);
        List<Finding> twice = PoolRuns.checked("# limits: strict\n# limits: default\n1\n").findings();
        assertTrue(twice.stream().anyMatch(f -> f.code().equals("PYM011") && f.line() == 2
                && f.message().equals("a second limits header")), twice::toString);
    }

    private static String parseError(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> Limits.parse(spec), spec).getMessage();
    }
}
