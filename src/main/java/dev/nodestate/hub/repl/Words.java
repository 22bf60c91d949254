package dev.nodestate.hub.repl;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.util.ArrayList;
import java.util.List;

/** Splits a command line into words: whitespace separates, '...' and "..." quote, \ escapes one character. */
final class Words {

    private Words() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new HubException(ExitCode.USAGE, "unclosed " + quote + " in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
