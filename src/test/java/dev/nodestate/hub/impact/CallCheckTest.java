package dev.nodestate.hub.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nodestate.hub.impact.CallCheck.Status;
import dev.nodestate.hub.impact.CallCheck.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Call arguments as written against old and new parameter lists, with the reason a reviewer reads. */
class CallCheckTest {

    private static Verdict python(String call, String before, String now, boolean bound) {
        return CallCheck.python(Arguments.parse(call), Parameters.of("python", now), Parameters.of("python", before), bound,
                ImpactBuilder.shown(now));
    }

    @Test
    void aRequiredParameterAddedBreaksACallThatDoesNotPassItAndSaysSo() {
        Verdict v = python("1", "def add(self, x)", "def add(self, x, y)", true);
        assertEquals(Status.BROKEN, v.status());
        assertEquals("passes 2 positional arguments, `add(self, x, y)` needs 3 (y added, no default)", v.reason());
        assertEquals(Status.OK, python("1, 2", "def add(self, x)", "def add(self, x, y)", true).status());
        assertEquals(Status.OK, python("1, y=2", "def add(self, x)", "def add(self, x, y)", true).status());
    }

    @Test
    void aParameterAddedWithADefaultBreaksNothing() {
        assertEquals(Status.OK, python("s", "def want_bytes(s, encoding='utf-8')", "def want_bytes(s, encoding='utf-8', errors='strict')", false).status());
    }

    @Test
    void aRenamedKeywordIsFlaggedWithTheNewNameButPositionalCallsStayFine() {
        String before = "def want_bytes(s: str | bytes, encoding: str = \"utf-8\", errors: str = \"strict\") -> bytes";
        String now = "def want_bytes(s: str | bytes, encoding: str = \"utf-8\", on_error: str = \"strict\") -> bytes";
        Verdict v = python("string, encoding=\"ascii\", errors=\"ignore\"", before, now, false);
        assertEquals(Status.BROKEN, v.status());
        assertEquals("keyword `errors` no longer exists (new: on_error)", v.reason());
        assertEquals(Status.OK, python("string", before, now, false).status());
        assertEquals(Status.OK, python("s, \"ascii\", \"ignore\"", before, now, false).status());
    }

    @Test
    void aRemovedParameterBreaksCallsThatPassedIt() {
        Verdict v = python("a, b, c", "def f(a, b, c)", "def f(a, b)", false);
        assertEquals("passes 3 positional arguments, `f(a, b)` takes at most 2 (c removed)", v.reason());
        assertEquals(Status.OK, python("a, b=1", "def f(a, b=1)", "def f(a, /, b=1, *, c=2)", false).status(),
                "b stays a keyword-capable parameter; c has a default");
    }

    @Test
    void varargsAndKwargsTakeWhatTheyTakeAndUnpackingIsNotGuessed() {
        assertEquals(Status.OK, python("1, 2, 3, 4", "def f(a)", "def f(a, *rest)", false).status());
        assertEquals(Status.OK, python("1, scale=2", "def f(a, scale=1)", "def f(a, **options)", false).status());
        assertEquals(Status.UNCHECKED, python("*args, **kwargs", "def f(a)", "def f(a, b)", false).status());
        assertEquals("`a` is positional-only in `f(a, /)` but is passed by keyword", python("a=1", "def f(a)", "def f(a, /)", false).reason());
        assertEquals("keyword `b` is not a parameter of `f(a, *, c)`", python("1, b=2, c=3", "def f(a, *, c)", "def f(a, *, c)", false).reason());
    }

    @Test
    void javaArityIsCheckedWithVarargsAndOtherOverloads() {
        Parameters before = Parameters.of("java", "public static CharRange isIn(final char start, final char end)");
        Parameters now = Parameters.of("java", "public static CharRange isIn(final char start, final char end, final boolean negated)");
        Verdict v = CallCheck.java(Arguments.parse("str.charAt(pos), str.charAt(pos + 2)"), now, before, List.of(), List.of(),
                "isIn(final char start, final char end, final boolean negated)");
        assertEquals("passes 2 arguments, `isIn(final char start, final char end, final boolean negated)` takes 3 (negated added)", v.reason());
        Parameters varargs = Parameters.of("java", "public static void notNull(Object o, String message, Object... values)");
        assertEquals(Status.OK, CallCheck.java(Arguments.parse("o, \"a, b\""), varargs, varargs, List.of(), List.of(), "").status());
        assertEquals(Status.OK, CallCheck.java(Arguments.parse("a, b"), now, before, List.of(before), List.of("isIn(char, char)"), "").status());
    }

    @Test
    void argumentsSplitOnlyAtTopLevelCommasOutsideStrings() {
        Arguments a = Arguments.parse("f(x, y), [1, 2], \"a,b\", ',', key=g(z) , other = 1, flag == 2");
        assertEquals(5, a.positional(), a.toString());
        assertEquals(List.of("key", "other"), a.keywords());
    }
}
