package dev.nodestate.hub.impact;

import dev.nodestate.hub.impact.Parameters.Kind;
import dev.nodestate.hub.impact.Parameters.Param;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One call's arguments against the new parameter list: fine, likely broken (and why, in the words a reviewer would
 * use), or not checkable ({@code *args} / {@code **kwargs} passed through). Python: positional count against the
 * positional parameters ({@code *args} takes any more), each keyword against the names ({@code **kwargs} takes any),
 * every required parameter given; a bound call ({@code obj.m(...)}) passes {@code self} itself. Java: arity, varargs
 * taking any more, and an overload of the same name that still fits.
 */
final class CallCheck {

    enum Status { OK, BROKEN, UNCHECKED }

    record Verdict(Status status, String reason) {
    }

    private CallCheck() {
    }

    /**
     * @param bound  the call passes {@code self}/{@code cls} through its receiver (the first parameter is not an argument)
     * @param shown  the new signature as people read it ({@code want_bytes(s, encoding="utf-8", on_error="strict")})
     */
    static Verdict python(Arguments args, Parameters now, Parameters before, boolean bound, String shown) {
        if (args.unpacks()) {
            return new Verdict(Status.UNCHECKED, "unpacks *args or **kwargs into the call: the hub cannot count them; check by hand");
        }
        Parameters callable = bound ? now.bound() : now;
        int offset = bound ? 1 : 0; // people count self
        List<Param> positional = callable.positional();
        List<String> problems = new ArrayList<>();
        Set<String> given = new LinkedHashSet<>();
        if (args.positional() > positional.size() && !callable.has(Kind.VAR_POSITIONAL)) {
            List<String> gone = removed(before.positional(), now.positional());
            problems.add("passes " + plural(args.positional() + offset, "positional argument") + ", `" + shown + "` takes at most "
                    + (positional.size() + offset) + (gone.isEmpty() ? "" : " (" + String.join(", ", gone) + " removed)"));
        }
        for (int i = 0; i < Math.min(args.positional(), positional.size()); i++) {
            given.add(positional.get(i).name());
        }
        for (String keyword : args.keywords()) {
            Param p = callable.named(keyword);
            if (p == null || p.kind() == Kind.VAR_POSITIONAL || p.kind() == Kind.VAR_KEYWORD) {
                if (callable.has(Kind.VAR_KEYWORD)) {
                    continue; // **kwargs takes it
                }
                List<String> added = removed(now.params(), before.params());
                problems.add(before.named(keyword) != null
                        ? "keyword `" + keyword + "` no longer exists" + (added.isEmpty() ? "" : " (new: " + String.join(", ", added) + ")")
                        : "keyword `" + keyword + "` is not a parameter of `" + shown + "`");
            } else if (p.kind() == Kind.POSITIONAL_ONLY) {
                problems.add("`" + keyword + "` is positional-only in `" + shown + "` but is passed by keyword");
                given.add(keyword); // said once, not again as missing
            } else if (!given.add(keyword)) {
                problems.add("`" + keyword + "` is given positionally and as a keyword");
            }
        }
        List<String> missing = new ArrayList<>();
        for (Param p : callable.params()) {
            if (p.required() && !given.contains(p.name())) {
                missing.add(p.name() + (before.named(p.name()) == null ? " added, no default" : " has no default"));
            }
        }
        if (!missing.isEmpty()) {
            long required = callable.params().stream().filter(p -> p.required() && p.positional()).count() + offset;
            problems.add("passes " + plural(args.positional() + offset, "positional argument")
                    + (args.keywords().isEmpty() ? "" : " and keyword(s) " + String.join(", ", args.keywords()))
                    + ", `" + shown + "` needs " + required + " (" + String.join("; ", missing) + ")");
        }
        if (problems.isEmpty()) {
            return new Verdict(Status.OK, "fits: " + describe(args, offset));
        }
        return new Verdict(Status.BROKEN, String.join("; ", problems));
    }

    /** @param overloads the other methods of the same name in the same type (their parameter lists and signatures) */
    static Verdict java(Arguments args, Parameters now, Parameters before, List<Parameters> overloads, List<String> overloadShown,
            String shown) {
        int n = args.count();
        if (fits(n, now)) {
            return new Verdict(Status.OK, "fits: " + plural(n, "argument") + " for " + now.params().size() + " parameter(s)");
        }
        for (int i = 0; i < overloads.size(); i++) {
            if (fits(n, overloads.get(i))) {
                return new Verdict(Status.OK, "resolves to the overload `" + overloadShown.get(i) + "` instead: check it is meant");
            }
        }
        List<String> added = removed(now.params(), before.params());
        List<String> gone = removed(before.params(), now.params());
        List<String> why = new ArrayList<>();
        added.forEach(a -> why.add(a + " added"));
        gone.forEach(g -> why.add(g + " removed"));
        return new Verdict(Status.BROKEN, "passes " + plural(n, "argument") + ", `" + shown + "` takes "
                + (now.has(Kind.VAR_POSITIONAL) ? "at least " + (now.params().size() - 1) : String.valueOf(now.params().size()))
                + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")"));
    }

    private static boolean fits(int n, Parameters p) {
        int size = p.params().size();
        return p.has(Kind.VAR_POSITIONAL) ? n >= size - 1 : n == size;
    }

    /** Names in {@code from} that {@code to} does not have. */
    private static List<String> removed(List<Param> from, List<Param> to) {
        Set<String> names = new LinkedHashSet<>();
        to.forEach(p -> names.add(p.name()));
        return from.stream().map(Param::name).filter(n -> !names.contains(n)).toList();
    }

    private static String describe(Arguments args, int offset) {
        return plural(args.positional() + offset, "positional argument")
                + (args.keywords().isEmpty() ? "" : ", keyword(s) " + String.join(", ", args.keywords()));
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
