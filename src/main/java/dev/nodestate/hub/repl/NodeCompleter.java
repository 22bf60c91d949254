package dev.nodestate.hub.repl;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.CompletionMatcherImpl;

/**
 * Tab completion at the {@code hub>} prompt: command names first, then node ids (prefix of the id or
 * of its qualified name, substring, or the typed letters in order, e.g. {@code CalcAdd}), tool names
 * after {@code run}, and repo files (module ids) after {@code file_path=}.
 */
final class NodeCompleter implements Completer {

    /** At most this many node candidates per Tab. */
    static final int MAX = 200;

    private final Supplier<List<String>> ids;
    private final Supplier<List<String>> tools;

    NodeCompleter(Supplier<List<String>> ids, Supplier<List<String>> tools) {
        this.ids = ids;
        this.tools = tools;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word().substring(0, line.wordCursor());
        if (line.wordIndex() == 0) {
            ReplCommands.SPECS.forEach(s -> candidates.add(new Candidate(s.name(), s.name(), null, s.help(), null, null, true)));
            return;
        }
        String command = line.words().getFirst();
        ReplCommands.Arg arg = ReplCommands.SPECS.stream().filter(s -> s.name().equals(command)).map(ReplCommands.Spec::arg)
                .findFirst().orElse(ReplCommands.Arg.NONE);
        switch (arg) {
            case COMMAND -> ReplCommands.SPECS.forEach(s -> candidates.add(plain(s.name())));
            case TOOL -> {
                if (line.wordIndex() == 1) {
                    tools.get().forEach(t -> candidates.add(plain(t)));
                } else if (word.startsWith("file_path=") || word.startsWith("file_paths=")) {
                    String key = word.substring(0, word.indexOf('=') + 1);
                    nodes(word.substring(key.length())).stream().filter(id -> !id.contains("::"))
                            .forEach(f -> candidates.add(plain(key + f)));
                } else {
                    nodes(word).forEach(id -> candidates.add(plain(id)));
                }
            }
            case NODE, PATTERN -> nodes(word).forEach(id -> candidates.add(plain(id)));
            case NONE -> { }
        }
    }

    /** Node ids for what was typed: prefix of the id or of its qualified name, substring, then letters in order. */
    List<String> nodes(String typed) {
        String w = typed.toLowerCase(Locale.ROOT);
        List<String> all = ids.get();
        List<String> strong = all.stream().filter(id -> {
            String l = id.toLowerCase(Locale.ROOT);
            return l.startsWith(w) || qualified(l).startsWith(w) || l.contains(w);
        }).limit(MAX).toList();
        if (!strong.isEmpty() || w.isEmpty()) {
            return strong;
        }
        return all.stream().filter(id -> inOrder(w, qualified(id.toLowerCase(Locale.ROOT)))).limit(MAX).toList();
    }

    private static String qualified(String id) {
        int at = id.indexOf("::");
        return at < 0 ? id : id.substring(at + 2);
    }

    private static boolean inOrder(String typed, String name) {
        int j = 0;
        for (int i = 0; i < name.length() && j < typed.length(); i++) {
            if (name.charAt(i) == typed.charAt(j)) {
                j++;
            }
        }
        return j == typed.length();
    }

    private static Candidate plain(String value) {
        return new Candidate(value, value, null, null, null, null, true);
    }

    /**
     * JLine's matching (prefix, then substring, then typos) plus a last resort that keeps what the
     * completer offered: fuzzy node matches do not contain the typed word.
     */
    static final class Matcher extends CompletionMatcherImpl {
        @Override
        public void compile(Map<LineReader.Option, Boolean> options, boolean prefix, CompletingParsedLine line,
                boolean caseInsensitive, int errors, String originalGroupName) {
            super.compile(options, prefix, line, caseInsensitive, errors, originalGroupName);
            matchers.add(all -> all);
        }
    }
}
