package dev.nodestate.hub.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.sandbox.ToolError.LimitKind;
import dev.nodestate.hub.tool.PymTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Escape attempts against the .pym sandbox. Each is a small tool; each must be refused by the
 * checker, stopped by the guest's runtime guards or limits, or denied by the GraalPy context
 * itself, and after each one every lane of the pool must still serve a normal run.
 *
 * <p>Three layers are exercised on purpose:
 * <ul>
 *   <li>{@link Stage#CHECKER}: the static rules (PYM002 imports, PYM007 builtins, PYM008 attributes);</li>
 *   <li>{@link Stage#RUNTIME}: checker-clean tools that reach for the same things dynamically, stopped
 *       by the guest (guarded getattr/attrgetter, per-run module views, checked annotation strings and
 *       dataclass field names) or by the run limits;</li>
 *   <li>{@link Stage#RUNTIME} with {@link #PAST_THE_POLICY}: checker-clean tools that get past the
 *       Python-level policy through a route that is still open (see the constant) and hold the real
 *       {@code builtins} and {@code os}; what stops them is the context (IOAccess.NONE, no process,
 *       thread, socket, native, host or polyglot access).</li>
 * </ul>
 */
class EscapeTest {

    enum Stage { CHECKER, RUNTIME, CONTEXT }

    /** Checks what a failed (or, for a few attempts, finished) run produced. */
    @FunctionalInterface
    interface Expectation {
        void verify(ToolError error, JsonNode value);
    }

    record Attempt(Stage stage, String source, Expectation expectation) {
    }

    /**
     * The functools.update_wrapper route (it copied a stdlib function's {@code __globals__}: the real builtins and
     * {@code os}) is closed (issue 16), and no other route past the Python-level policy is known. The context's own
     * denials are therefore tested with {@link Stage#CONTEXT} attempts: code run as the guest runtime itself
     * ({@code PythonRuntime.probe}), holding the real builtins and {@code os} the way such a route would.
     */
    static final String PAST_THE_POLICY = """
            import builtins
            import os

            real_builtins = builtins.__dict__
            """;

    /** The route that was open until issue 16: it must now stop at the attribute guard. */
    static final String UPDATE_WRAPPER_ROUTE = """
            import functools
            import shlex

            _leaked = []


            class _Sink:
                def __setattr__(self, name, value):
                    _leaked.append(value)


            """;

    static Stream<Arguments> attempts() {
        Path outside = Path.of(System.getProperty("java.io.tmpdir"), "hub-escape-" + UUID.randomUUID() + ".txt");
        return Stream.of(
                // ------------------------------------------------------------ refused by the checker
                checker("openingAFileIsRefusedByTheChecker", """
                        open("/etc/passwd").read()
                        """, "PYM007", "'open'"),
                checker("listingADirectoryThroughOsIsRefusedByTheChecker", """
                        import os
                        os.listdir("/")
                        """, "PYM002", "'os'"),
                checker("importingSocketIsRefusedByTheChecker", """
                        import socket
                        socket.create_connection(("example.com", 80))
                        """, "PYM002", "'socket'"),
                checker("importingSubprocessIsRefusedByTheChecker", """
                        import subprocess
                        subprocess.run(["id"])
                        """, "PYM002", "'subprocess'"),
                checker("importingCtypesIsRefusedByTheChecker", """
                        import ctypes
                        ctypes.CDLL(None)
                        """, "PYM002", "'ctypes'"),
                checker("importingJavaIsRefusedByTheChecker", """
                        import java
                        java.type("java.lang.System").exit(0)
                        """, "PYM002", "'java'"),
                checker("importingPolyglotIsRefusedByTheChecker", """
                        import polyglot
                        polyglot.eval(language="js", string="1")
                        """, "PYM002", "'polyglot'"),
                checker("callingDunderImportIsRefusedByTheChecker", """
                        __import__("os").listdir("/")
                        """, "PYM007", "'__import__'"),
                checker("fetchingDunderImportFromBuiltinsWithGetattrIsRefusedByTheChecker", """
                        getattr(__builtins__, "__import__")("os")
                        """, "PYM007", "'__builtins__'"),
                checker("importingTheBuiltinsModuleIsRefusedByTheChecker", """
                        import builtins
                        builtins.open("/etc/passwd")
                        """, "PYM002", "'builtins'"),
                checker("importingImportlibIsRefusedByTheChecker", """
                        import importlib
                        importlib.import_module("os")
                        """, "PYM002", "'importlib'"),
                checker("walkingSubclassesFromATupleIsRefusedByTheChecker", """
                        ().__class__.__base__.__subclasses__()
                        """, "PYM008", "'__subclasses__'"),
                checker("walkingSubclassesWithAConstantGetattrNameIsRefusedByTheChecker", """
                        getattr(object, "__subclasses__")()
                        """, "PYM008", "'__subclasses__'"),
                checker("readingEnvironmentVariablesIsRefusedByTheChecker", """
                        from os import environ
                        environ["HOME"]
                        """, "PYM002", "'os'"),
                checker("startingAThreadIsRefusedByTheChecker", """
                        import threading
                        threading.Thread(target=print).start()
                        """, "PYM002", "'threading'"),
                checker("writingAFileIsRefusedByTheChecker", """
                        open("/tmp/hub-escape.txt", "w").write("x")
                        """, "PYM007", "'open'"),
                checker("execIsRefusedByTheChecker", """
                        exec("import os")
                        """, "PYM007", "'exec'"),
                checker("evalIsRefusedByTheChecker", """
                        eval("1 + 1")
                        """, "PYM007", "'eval'"),
                checker("compileIsRefusedByTheChecker", """
                        compile("1", "<s>", "eval")
                        """, "PYM007", "'compile'"),
                checker("sysExitIsRefusedByTheChecker", """
                        import sys
                        sys.exit(1)
                        """, "PYM002", "'sys'"),
                checker("exitIsRefusedByTheChecker", """
                        exit(0)
                        """, "PYM007", "'exit'"),
                checker("walkingFramesThroughAGeneratorIsRefusedByTheChecker", """
                        def gen():
                            yield 1


                        gen().gi_frame.f_back.f_globals
                        """, "PYM008", "'gi_frame'"),
                checker("walkingFramesThroughATracebackIsRefusedByTheChecker", """
                        try:
                            1 / 0
                        except ZeroDivisionError as e:
                            frame = e.__traceback__.tb_frame.f_back
                        frame
                        """, "PYM008", "'tb_frame'"),

                // ------------------------------------------- past the checker, stopped by the guest
                runtime("reachingAClassWithAGetattrNameBuiltAtRunTimeIsDenied", """
                        name = "__cla" + "ss__"
                        getattr((), name)
                        """, raises("AttributeError: access to attribute '__class__' is not allowed")),
                runtime("walkingAGeneratorFrameWithAGetattrNameBuiltAtRunTimeIsDenied", """
                        def gen():
                            yield 1


                        getattr(gen(), "gi_" + "frame")
                        """, raises("AttributeError: access to attribute 'gi_frame' is not allowed")),
                runtime("walkingATracebackFrameWithOperatorAttrgetterIsDenied", """
                        import operator

                        try:
                            1 / 0
                        except ZeroDivisionError as e:
                            frame = operator.attrgetter("tb_" + "frame")(e.__traceback__)
                        frame
                        """, raises("AttributeError: access to attribute 'tb_frame' is not allowed")),
                runtime("callingSubclassesThroughOperatorMethodcallerIsDenied", """
                        import operator

                        operator.methodcaller("__subcl" + "asses__")(object)
                        """, raises("AttributeError: access to attribute '__subclasses__' is not allowed")),
                runtime("reachingTheBuiltinsModuleThroughABuiltinsSelfIsDenied", """
                        getattr(len, "__se" + "lf__")
                        """, raises("AttributeError: access to attribute '__self__' is not allowed")),
                runtime("reachingImportlibThroughAModulesLoaderIsDenied", """
                        import functools

                        getattr(functools, "__load" + "er__")
                        """, raises("AttributeError: access to attribute '__loader__' is not allowed")),
                runtime("reachingTheBuiltinsThatEnumKeepsIsDenied", """
                        import enum

                        enum.bltns.eval("1")
                        """, raises("AttributeError: module 'enum' has no attribute 'bltns'")),
                runtime("reachingTheOsModuleThatShlexKeepsIsDenied", """
                        import shlex

                        shlex.os.listdir("/")
                        """, raises("AttributeError: module 'shlex' has no attribute 'os'")),
                runtime("importingOsFromAnAnnotationStringIsDenied", """
                        import typing


                        def f(x: "__import__('os').listdir('/')"):
                            return x


                        typing.get_type_hints(f)
                        """, raises("NameError: type expression .*'__import__' is not allowed")),
                runtime("injectingCodeThroughADataclassFieldNameIsDenied", """
                        import dataclasses

                        name = "__init__, {}[tuple(().__class__.__base__.__subclasses__())]"
                        C = type("C", (), {"__annotations__": {name: int}})
                        D = dataclasses.dataclass(init=False, repr=False, eq=False, unsafe_hash=True)(C)
                        hash(D())
                        """, raises("TypeError: dataclass field name .* is not an identifier")),
                runtime("raisingSystemExitEndsOnlyTheRun", """
                        raise SystemExit(3)
                        """, raises("SystemExit")),

                // ------------------------------ past the Python policy, denied by the GraalPy context
                context("readingAFileWithTheRealOpenIsDeniedByTheContext", PAST_THE_POLICY + """
                        real_builtins["open"]("/etc/passwd").read()
                        """, raises("PermissionError: .*Operation not permitted")),
                context("listingADirectoryWithTheRealOsIsDeniedByTheContext", PAST_THE_POLICY + """
                        os.listdir("/")
                        """, raises("PermissionError: .*Operation not permitted")),
                context("writingAFileOutsideWithTheRealOpenIsDeniedByTheContext", PAST_THE_POLICY + """
                        f = real_builtins["open"](%s, "w")
                        f.write("escaped")
                        f.close()
                        """.formatted(pythonString(outside.toString())), (error, value) -> {
                    raises("PermissionError: .*Operation not permitted").verify(error, value);
                    assertFalse(Files.exists(outside), "the tool created " + outside);
                }),
                context("readingTheRealEnvironmentShowsNoHostVariable", PAST_THE_POLICY + """
                        dict(os.environ)
                        """, EscapeTest::noHostVariable),
                context("spawningAProcessWithTheRealOsIsDeniedByTheContext", PAST_THE_POLICY + """
                        os.system("true")
                        """, raises("Process creation is not allowed")),
                context("replacingTheProcessWithExecvIsDeniedByTheContext", PAST_THE_POLICY + """
                        os.execv("/bin/true", ["true"])
                        """, raises("PermissionError: .*Operation not permitted")),
                context("startingAThreadWithTheRealThreadModuleIsDeniedByTheContext", PAST_THE_POLICY + """
                        real_builtins["__import__"]("_thread").start_new_thread(print, ("escaped",))
                        """, raises("Creating threads is not allowed")),
                context("openingASocketWithTheRealSocketModuleIsDeniedByTheContext", PAST_THE_POLICY + """
                        real_builtins["__import__"]("_socket").socket()
                        """, raises("socket was excluded")),
                context("loadingCtypesWithTheRealImportFailsWithoutNativeAccess", PAST_THE_POLICY + """
                        real_builtins["__import__"]("ctypes").CDLL(None)
                        """, raises("ImportError")),
                context("lookingUpAJavaClassWithTheRealJavaModuleIsDeniedByTheContext", PAST_THE_POLICY + """
                        real_builtins["__import__"]("java").type("java.lang.System")
                        """, raises("access has been denied")),
                context("evaluatingAnotherLanguageWithTheRealPolyglotModuleIsDeniedByTheContext", PAST_THE_POLICY + """
                        real_builtins["__import__"]("polyglot").eval(language="js", string="1")
                        """, raises("polyglot access is not allowed")),
                context("exitingWithTheRealSysEndsOnlyTheRun", PAST_THE_POLICY + """
                        real_builtins["__import__"]("sys").exit(3)
                        """, raises("SystemExit")),
                context("exitingTheInterpreterWithOsExitEndsOnlyTheRun", PAST_THE_POLICY + """
                        os._exit(7)
                        """, raises("the tool tried to exit the interpreter")),


                // ------------------------------------------------ issue 16: routes that copied attributes by name
                runtime("copyingGlobalsWithFunctoolsUpdateWrapperIsDenied", UPDATE_WRAPPER_ROUTE + """
                        functools.update_wrapper(_Sink(), shlex.split, assigned=("__glo" + "bals__",), updated=())
                        """, raises("AttributeError: access to attribute '__globals__' is not allowed")),
                runtime("updatingFromGlobalsWithFunctoolsUpdateWrapperIsDenied", UPDATE_WRAPPER_ROUTE + """
                        functools.update_wrapper(_Sink(), shlex.split, assigned=(), updated=("__glo" + "bals__",))
                        """, raises("AttributeError: access to attribute '__globals__' is not allowed")),
                runtime("copyingGlobalsWithFunctoolsWrapsIsDenied", UPDATE_WRAPPER_ROUTE + """
                        functools.wraps(shlex.split, assigned=("__glo" + "bals__",))(_Sink())
                        """, raises("AttributeError: access to attribute '__globals__' is not allowed")),
                runtime("functoolsWrapsStillWrapsAnOrdinaryFunction", """
                        import functools


                        def f():
                            "doc"


                        @functools.wraps(f)
                        def g():
                            pass
                        [g.__name__, g.__doc__]
                        """, (error, value) -> assertEquals("[\"f\",\"doc\"]", String.valueOf(value), () -> describe(error))),
                runtime("readingGlobalsThroughAStrFormatFieldIsDenied", """
                        def f():
                            pass
                        "{0.__globals__}".format(f)
                        """, raises("AttributeError: access to attribute '__globals__' is not allowed")),
                runtime("readingAClassThroughStrFormatCalledOnTheTypeIsDenied", """
                        str.format("{0.__class__}", 1)
                        """, raises("AttributeError: access to attribute '__class__' is not allowed")),
                runtime("readingGlobalsThroughAFormatMapFieldIsDenied", """
                        def f():
                            pass
                        "{f.__globals__}".format_map({"f": f})
                        """, raises("AttributeError: access to attribute '__globals__' is not allowed")),
                runtime("readingAClassThroughANestedFormatSpecFieldIsDenied", """
                        "{0:{1.__class__}}".format(1, 2)
                        """, raises("AttributeError: access to attribute '__class__' is not allowed")),
                runtime("walkingSubclassesWithStringFormatterGetFieldIsDenied", """
                        import string
                        string.Formatter().get_field("0.__class__.__base__.__subclasses__", (1,), {})
                        """, raises("AttributeError: access to attribute '__class__' is not allowed")),
                runtime("readingAClassWithStringFormatterFormatIsDenied", """
                        import string
                        string.Formatter().format("{0.__class__}", 1)
                        """, raises("AttributeError: access to attribute '__class__' is not allowed")),
                runtime("ordinaryFormatFieldsStillWork", """
                        import string
                        ["{0.real} {x[0]}".format(3, x=[4]), "{a}".format_map({"a": 1}), string.Formatter().format("{0.imag}", 2)]
                        """, (error, value) -> assertEquals("[\"3 4\",\"1\",\"0\"]", String.valueOf(value), () -> describe(error))),
                context("ignoringSigtermWithTheRealSignalModuleIsDenied", PAST_THE_POLICY + """
                        import signal
                        signal.signal(signal.SIGTERM, signal.SIG_IGN)
                        """, raises("PermissionError: 'signal' is not available in tools")),
                context("raisingSigtermWithTheRealSignalModuleIsDenied", PAST_THE_POLICY + """
                        import signal
                        signal.raise_signal(signal.SIGTERM)
                        """, raises("PermissionError: 'raise_signal' is not available in tools")),
                context("settingAnAlarmWithTheRealSignalModuleIsDenied", PAST_THE_POLICY + """
                        import _signal
                        _signal.alarm(1)
                        """, raises("PermissionError: 'alarm' is not available in tools")),
                context("readingTheRealPidIsDenied", PAST_THE_POLICY + """
                        os.getpid()
                        """, raises("PermissionError: 'getpid' is not available in tools")),
                context("killingTheHostWithTheRealOsIsDenied", PAST_THE_POLICY + """
                        import posix
                        posix.kill(0, 15)
                        """, raises("PermissionError: 'kill' is not available in tools")),
                // --------------------------------------------------------------- stopped by the limits
                runtime("anEndlessLoopIsStoppedByTheTimeLimit", """
                        # limits: strict
                        while True:
                            pass
                        """, limit(LimitKind.TIME)),
                runtime("aGrowingListIsStoppedByTheMemoryBudget", """
                        # limits: strict
                        xs = []
                        while True:
                            xs.append(bytearray(64 * 1024))
                        """, limit(LimitKind.MEMORY)),
                runtime("aRecursionBombIsStoppedByTheRecursionLimit", """
                        # limits: strict
                        def down(n):
                            return down(n + 1)


                        down(0)
                        """, limit(LimitKind.RECURSION)),
                runtime("aFloodOfPrintedOutputIsStopped", """
                        # limits: strict
                        while True:
                            print("x" * 10000)
                        """, limit(LimitKind.OUTPUT, LimitKind.MEMORY)),
                runtime("aHugeResultIsRefused", """
                        "x" * (20 * 1024 * 1024)
                        """, (error, value) -> {
                    assertNull(value, "a 20 MB result was returned under a 16 MB budget");
                    assertTrue(error instanceof ToolError.Output || error instanceof ToolError.Limit,
                            () -> "expected an OutputError or LimitError, got " + error.describe());
                }));
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void anEscapeAttemptIsStoppedAndEveryLaneThenServesANormalRun(Attempt attempt) {
        if (attempt.stage() == Stage.CONTEXT) {
            JsonNode reply = PoolRuns.probe(attempt.source());
            ToolError probeError = reply.has("ok") ? null : new ToolError.Execution("probe", reply.path("type").asText(), 0, "",
                    reply.path("type").asText() + ": " + reply.path("message").asText());
            attempt.expectation().verify(probeError, reply.get("ok"));
            PoolRuns.everyLaneServesANormalRun();
            return;
        }
        PymTool tool = PoolRuns.checked(attempt.source());
        if (attempt.stage() == Stage.RUNTIME) {
            assertFalse(tool.broken(), () -> "a runtime attempt must pass the checker: " + tool.findings());
        }
        ToolError error = null;
        JsonNode value = null;
        try {
            value = PoolRuns.run(tool, null).value();
        } catch (ToolException e) {
            error = e.error();
        }
        attempt.expectation().verify(error, value);
        PoolRuns.everyLaneServesANormalRun();
    }

    /**
     * Classes of the stdlib are shared by every run on a lane (see README, "Where the boundary is"),
     * but the host's protocol does not depend on them: the guest answers with its own copy of json.
     */
    @Test
    void aToolChangingJsonsClassesCannotCorruptWhatTheHostReadsFromLaterRuns() {
        PymTool poison = PoolRuns.checked("import json\njson.JSONEncoder.item_separator = ' ;; '\n'changed'\n");
        PymTool victim = PoolRuns.checked("def main() -> dict:\n    return {'a': 1, 'b': [1, 2]}\n");
        PymTool heal = PoolRuns.checked("import json\njson.JSONEncoder.item_separator = ', '\n'restored'\n");
        int lanes = SharedRuntime.get().laneCount();
        try {
            for (int i = 0; i < lanes; i++) { // first-in first-out: once on each lane
                assertEquals("changed", PoolRuns.run(poison, null).value().asText());
            }
            for (int i = 0; i < lanes; i++) {
                assertEquals("{\"a\":1,\"b\":[1,2]}", PoolRuns.run(victim, null).value().toString());
                assertFalse(PoolRuns.checked("{'checked': True}\n").broken());
            }
        } finally {
            for (int i = 0; i < lanes; i++) { // other tests share these contexts
                PoolRuns.run(heal, null);
            }
        }
    }

    @Test
    void limitsAboveTheHostCeilingAreClampedAndTheCheckerSaysSo() {
        PymTool greedy = PoolRuns.checked("# limits: memory=64GB time=100000s recursion=100000\ndef down(n):\n    return down(n + 1)\n\n\ndown(0)\n");
        assertFalse(greedy.broken(), () -> String.valueOf(greedy.findings()));
        assertEquals(Limits.DEFAULT_CEILING, greedy.limits());
        assertTrue(greedy.findings().stream().anyMatch(f -> f.code().equals("PYW004") && f.line() == 1
                && f.message().startsWith("limits: 65536 MB / 100000000 ms / 100000 frames is above the host's ceiling")
                && f.suggestion().contains("HUB_LIMITS_CEILING")), () -> String.valueOf(greedy.findings()));
        ToolError.Limit limit = assertInstanceOf(ToolError.Limit.class,
                org.junit.jupiter.api.Assertions.assertThrows(ToolException.class, () -> PoolRuns.run(greedy, null)).error());
        assertTrue(limit.message().contains("deeper than 1000 frames"), limit::describe);
        PoolRuns.everyLaneServesANormalRun();
    }

    @Test
    void aUsersCeilingParsesOverTheDefaultCeiling() {
        String before = System.getProperty("hub.limits.ceiling");
        try {
            System.setProperty("hub.limits.ceiling", "time=30s");
            assertEquals(new Limits(Limits.DEFAULT_CEILING.memoryBytes(), java.time.Duration.ofSeconds(30),
                    Limits.DEFAULT_CEILING.recursion()), Limits.ceiling());
            System.setProperty("hub.limits.ceiling", "time=1h");
            assertTrue(org.junit.jupiter.api.Assertions.assertThrows(dev.nodestate.hub.HubException.class, Limits::ceiling)
                    .getMessage().contains("HUB_LIMITS_CEILING / hub.limits.ceiling: unknown time unit 'h'"));
        } finally {
            if (before == null) {
                System.clearProperty("hub.limits.ceiling");
            } else {
                System.setProperty("hub.limits.ceiling", before);
            }
        }
    }

    @Test
    void aFailingExternalIsCatchableAsTheBareNameExternalErrorAndAsException() {
        PymTool tool = PoolRuns.checked("""
                from grail import external


                @external
                def read_file(path: str) -> str: ...


                def main():
                    caught = []
                    try:
                        read_file("no/such/file.txt")
                    except ExternalError as e:
                        caught.append("ExternalError: " + str(e))
                    try:
                        read_file("../outside")
                    except Exception as e:
                        caught.append(type(e).__name__)
                    return caught
                """);
        assertFalse(tool.broken(), () -> String.valueOf(tool.findings()));
        JsonNode value = PoolRuns.run(tool, null).value();
        assertEquals("[\"ExternalError: read_file(): no such file: no/such/file.txt\",\"ExternalError\"]", value.toString());
    }

    @Test
    void atLeastEightAttemptsGetPastTheCheckerToTheRuntimeGuards() {
        long runtime = attempts().map(a -> (Attempt) a.get()[0]).filter(a -> a.stage() == Stage.RUNTIME).count();
        assertTrue(runtime >= 8, "only " + runtime + " attempts reach the runtime");
        assertTrue(attempts().count() >= 20);
    }

    // ------------------------------------------------------------------------------ helpers

    private static Arguments checker(String name, String source, String code, String fragment) {
        return argumentSet(name, new Attempt(Stage.CHECKER, source, (error, value) -> {
            assertNull(value, "the tool ran and returned " + value);
            ToolError.Check check = assertInstanceOf(ToolError.Check.class, error, () -> describe(error));
            assertTrue(check.findings().stream().anyMatch(f -> f.isError() && f.code().equals(code)
                            && f.message().contains(fragment)),
                    () -> "expected " + code + " about " + fragment + ", got " + check.findings());
        }));
    }

    private static Arguments context(String name, String source, Expectation expectation) {
        return argumentSet(name, new Attempt(Stage.CONTEXT, source, expectation));
    }

    private static Arguments runtime(String name, String source, Expectation expectation) {
        return argumentSet(name, new Attempt(Stage.RUNTIME, source, expectation));
    }

    private static Expectation raises(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return (error, value) -> {
            assertNull(value, "the tool ran and returned " + value);
            ToolError.Execution execution = assertInstanceOf(ToolError.Execution.class, error, () -> describe(error));
            assertTrue(pattern.matcher(execution.message()).find(),
                    () -> "expected the message to show /" + regex + "/, got: " + execution.message());
        };
    }

    private static Expectation limit(LimitKind... kinds) {
        return (error, value) -> {
            assertNull(value, "the tool ran and returned " + value);
            ToolError.Limit limit = assertInstanceOf(ToolError.Limit.class, error, () -> describe(error));
            assertTrue(Arrays.asList(kinds).contains(limit.limit()),
                    () -> "expected a " + Arrays.toString(kinds) + " limit, got " + limit.describe());
        };
    }

    /** The context hands a tool an environment of its own: no host variable may show through. */
    private static void noHostVariable(ToolError error, JsonNode value) {
        if (error != null) {
            fail("expected the (empty) sandbox environment, got " + error.describe());
        }
        assertNotNull(value);
        assertTrue(value.isObject(), () -> "expected a mapping, got " + value);
        for (Map.Entry<String, String> host : System.getenv().entrySet()) {
            JsonNode seen = value.get(host.getKey());
            assertFalse(seen != null && seen.asText().equals(host.getValue()),
                    () -> "the host variable " + host.getKey() + " is visible to tools");
        }
    }

    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String describe(ToolError error) {
        return error == null ? "expected a failure, the run succeeded" : "got " + error.describe();
    }
}
