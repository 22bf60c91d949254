package dev.nodestate.hub.store;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Finding nodes by what a person types: abbreviated ids ({@code add}, {@code Calculator.add}) and
 * search patterns. Shared by {@code hub show}/{@code find}, the socket server and the REPL, so an
 * abbreviation means the same thing everywhere.
 */
public final class NodeLookup {

    /** Most candidates an ambiguity message lists. */
    static final int LISTED = 20;

    /** An abbreviation that fits more than one node; {@link #candidates()} lists them all. */
    public static final class Ambiguous extends HubException {
        private final String query;
        private final List<String> candidates;

        public Ambiguous(String query, List<String> candidates) {
            super(ExitCode.USAGE, "'" + query + "' is ambiguous; candidates:\n  "
                    + String.join("\n  ", candidates.stream().limit(LISTED).toList())
                    + (candidates.size() > LISTED ? "\n  ... and " + (candidates.size() - LISTED) + " more" : ""));
            this.query = query;
            this.candidates = List.copyOf(candidates);
        }

        public String query() {
            return query;
        }

        public List<String> candidates() {
            return candidates;
        }
    }

    private NodeLookup() {
    }

    /**
     * Resolves a node id that may be abbreviated: the exact id, else the unique id ending in it
     * (after '::', '.' or '/'), else the unique id containing it. Throws {@link Ambiguous} or a
     * NOT_FOUND {@link HubException}.
     */
    public static NodeState resolve(NodeStore store, String query) {
        java.util.Optional<NodeState> exact;
        try {
            exact = store.get(query);
        } catch (IllegalArgumentException notAnId) { // e.g. an absolute path: not an id, maybe a part of one
            exact = java.util.Optional.empty();
        }
        if (exact.isPresent()) {
            return exact.get();
        }
        String id = resolve(store.ids(), query);
        return store.get(id).orElseThrow(() -> notFound(query));
    }

    /** As {@link #resolve(NodeStore, String)}, over a list of ids; returns the id. */
    public static String resolve(List<String> ids, String query) {
        List<String> suffix = ids.stream().filter(id -> id.equals(query) || id.endsWith("::" + query)
                || id.endsWith("." + query) || id.endsWith("/" + query)).toList();
        if (suffix.contains(query)) {
            return query;
        }
        List<String> candidates = suffix.isEmpty() ? ids.stream().filter(id -> id.contains(query)).toList() : suffix;
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        if (candidates.isEmpty()) {
            throw notFound(query);
        }
        throw new Ambiguous(query, candidates);
    }

    private static HubException notFound(String query) {
        return new HubException(ExitCode.NOT_FOUND, "no node matches '" + query + "'; try `hub find " + query + "`"
                + (query.startsWith("/") ? " (a repository is chosen with --repo PATH)" : ""));
    }

    /** A search pattern: ids containing it, case-insensitive, {@code *} and {@code ?} as wildcards. */
    public static Predicate<String> pattern(String pattern) {
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
            // the common case, and a scan of every id per query: a plain case-insensitive search, no regex
            String p = pattern;
            return id -> containsIgnoreCase(id, p);
        }
        Pattern regex = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"),
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
        return id -> regex.matcher(id).find();
    }

    private static boolean containsIgnoreCase(String text, String part) {
        int last = text.length() - part.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }
}
