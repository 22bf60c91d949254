package dev.nodestate.hub.triage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FunctionGemma's chat and function-calling format (its model card: "FunctionGemma formatting and best
 * practices"). Turns are {@code <start_of_turn>ROLE\n...<end_of_turn>}; the developer turn declares the
 * functions, each as {@code <start_function_declaration>declaration:NAME{description:<escape>...<escape>,
 * parameters:{properties:{P:{description:<escape>...<escape>,type:<escape>STRING<escape>}},required:[<escape>P<escape>],
 * type:<escape>OBJECT<escape>}}<end_function_declaration>}; the model answers with calls
 * {@code <start_function_call>call:NAME{P:<escape>VALUE<escape>}<end_function_call>}. Every string is delimited
 * by the {@code <escape>} token, so braces and commas inside values need no quoting.
 */
final class FunctionGemma {

    static final String ESCAPE = "<escape>";
    static final String START_CALL = "<start_function_call>";
    static final String END_CALL = "<end_function_call>";

    /** One function offered to the model: its name, what it does, and its string parameters (name → description). */
    record Function(String name, String description, Map<String, String> parameters) {
    }

    /** One call the model made: the function's name and its arguments (strings, numbers, booleans). */
    record Call(String name, Map<String, Object> arguments) {
    }

    /** The text could not be read as calls: where and why. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private FunctionGemma() {
    }

    static String declaration(Function f) {
        StringBuilder sb = new StringBuilder("<start_function_declaration>declaration:").append(f.name())
                .append("{description:").append(escaped(f.description())).append(",parameters:{properties:{");
        boolean first = true;
        for (Map.Entry<String, String> p : f.parameters().entrySet()) {
            sb.append(first ? "" : ",").append(p.getKey()).append(":{description:").append(escaped(p.getValue()))
                    .append(",type:").append(escaped("STRING")).append('}');
            first = false;
        }
        sb.append("},required:[");
        first = true;
        for (String p : f.parameters().keySet()) {
            sb.append(first ? "" : ",").append(escaped(p));
            first = false;
        }
        return sb.append("],type:").append(escaped("OBJECT")).append("}}<end_function_declaration>").toString();
    }

    /** The whole prompt as the model reads it: developer turn (instruction + declarations), user turn, model turn opened. */
    static String prompt(String instruction, List<Function> functions, String user) {
        StringBuilder sb = new StringBuilder("<start_of_turn>developer\n").append(instruction.strip());
        functions.forEach(f -> sb.append(declaration(f)));
        return sb.append("<end_of_turn>\n<start_of_turn>user\n").append(user.strip())
                .append("<end_of_turn>\n<start_of_turn>model\n").toString();
    }

    private static String escaped(String s) {
        return ESCAPE + s.replace(ESCAPE, "") + ESCAPE;
    }

    /**
     * Reads the calls in a model's text. Text around and between calls is ignored (a model may say a word
     * first); a call that starts and does not parse makes the whole answer unreadable. No call at all is an
     * empty list: the model approved nothing.
     */
    static List<Call> calls(String text) throws Unreadable {
        List<Call> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int start = text.indexOf(START_CALL, at);
            if (start < 0) {
                return out;
            }
            int end = text.indexOf(END_CALL, start);
            String body = end < 0 ? text.substring(start + START_CALL.length()) : text.substring(start + START_CALL.length(), end);
            if (end < 0) {
                throw new Unreadable("a call is not closed with " + END_CALL + ": " + abbreviate(body));
            }
            out.add(call(body.strip()));
            at = end + END_CALL.length();
        }
    }

    /** {@code call:NAME{k:<escape>v<escape>,n:3}}. */
    private static Call call(String body) throws Unreadable {
        if (!body.startsWith("call:")) {
            throw new Unreadable("a call does not start with 'call:': " + abbreviate(body));
        }
        int brace = body.indexOf('{');
        if (brace < 0 || !body.endsWith("}")) {
            throw new Unreadable("a call has no {arguments}: " + abbreviate(body));
        }
        String name = body.substring(5, brace).strip();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw new Unreadable("'" + abbreviate(name) + "' is not a function name");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        String inner = body.substring(brace + 1, body.length() - 1);
        int i = 0;
        while (i < inner.length()) {
            while (i < inner.length() && (inner.charAt(i) == ',' || Character.isWhitespace(inner.charAt(i)))) {
                i++;
            }
            if (i >= inner.length()) {
                break;
            }
            int colon = inner.indexOf(':', i);
            if (colon < 0) {
                throw new Unreadable("argument without ':' in call " + name + ": " + abbreviate(inner.substring(i)));
            }
            String key = inner.substring(i, colon).strip();
            i = colon + 1;
            Object value;
            if (inner.startsWith(ESCAPE, i)) {
                int close = inner.indexOf(ESCAPE, i + ESCAPE.length());
                if (close < 0) {
                    throw new Unreadable("argument " + key + " of " + name + " is not closed with " + ESCAPE);
                }
                value = inner.substring(i + ESCAPE.length(), close);
                i = close + ESCAPE.length();
            } else {
                int comma = inner.indexOf(',', i);
                String raw = (comma < 0 ? inner.substring(i) : inner.substring(i, comma)).strip();
                i = comma < 0 ? inner.length() : comma;
                value = scalar(raw, key, name);
            }
            if (args.put(key, value) != null) {
                throw new Unreadable("argument " + key + " given twice in call " + name);
            }
        }
        return new Call(name, args);
    }

    private static Object scalar(String raw, String key, String call) throws Unreadable {
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.parseBoolean(raw);
        }
        try {
            return raw.contains(".") ? (Object) Double.parseDouble(raw) : (Object) Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new Unreadable("argument " + key + " of " + call + " is neither an " + ESCAPE + "string" + ESCAPE
                    + " nor a number or boolean: " + abbreviate(raw));
        }
    }

    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }
}
