package dev.nodestate.hub.impact;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one call as written: how many positional ones, which keywords (Python {@code name=value}), and
 * whether it unpacks ({@code *args}, {@code **kwargs}: then counts cannot be checked). Read from the call's source
 * text, strings (Python triple quotes and Java text blocks too) and nested brackets skipped.
 */
record Arguments(int positional, List<String> keywords, boolean unpacks, String text) {

    /** Where the bracket closing the '(' at {@code open} is; -1 when the text ends first. */
    static int closing(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                i = dev.nodestate.hub.diff.Signatures.endOfString(s, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The arguments between the brackets ({@code inside}: the text after '(' up to its ')'). */
    static Arguments parse(String inside) {
        List<String> parts = dev.nodestate.hub.diff.Signatures.splitArguments(inside);
        int positional = 0;
        boolean unpacks = false;
        List<String> keywords = new ArrayList<>();
        for (String p : parts) {
            if (p.startsWith("*")) {
                unpacks = true;
                continue;
            }
            String keyword = keyword(p);
            if (keyword != null) {
                keywords.add(keyword);
            } else {
                positional++;
            }
        }
        return new Arguments(positional, List.copyOf(keywords), unpacks, inside.strip().replaceAll("\\s+", " "));
    }

    int count() {
        return positional + keywords.size();
    }

    /** {@code name=value} gives name ({@code a == b}, {@code a <= b} are values). */
    private static String keyword(String arg) {
        int j = 0;
        while (j < arg.length() && (Character.isLetterOrDigit(arg.charAt(j)) || arg.charAt(j) == '_')) {
            j++;
        }
        int k = j;
        while (k < arg.length() && arg.charAt(k) == ' ') {
            k++;
        }
        boolean assigns = j > 0 && k < arg.length() && arg.charAt(k) == '=' && (k + 1 >= arg.length() || arg.charAt(k + 1) != '=');
        return assigns ? arg.substring(0, j) : null;
    }

}
