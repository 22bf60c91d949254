package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A type annotation of a tool's Input or external, as the host checks values against it:
 * {@code str int float bool None Any}, {@code list[T]}, {@code dict[K, V]}, {@code Optional[T]},
 * {@code T | None} (also {@code List}, {@code Dict}, bare {@code list}/{@code dict}).
 */
public sealed interface TypeSpec {

    boolean accepts(JsonNode value);

    String describe();

    enum Scalar implements TypeSpec {
        STR("str"), INT("int"), FLOAT("float"), BOOL("bool"), NONE("None"), ANY("Any");

        private final String text;

        Scalar(String text) {
            this.text = text;
        }

        @Override
        public boolean accepts(JsonNode v) {
            return switch (this) {
                case STR -> v.isTextual();
                case INT -> v.isIntegralNumber();
                case FLOAT -> v.isNumber();
                case BOOL -> v.isBoolean();
                case NONE -> v.isNull();
                case ANY -> true;
            };
        }

        @Override
        public String describe() {
            return text;
        }
    }

    record ListOf(TypeSpec element) implements TypeSpec {
        @Override
        public boolean accepts(JsonNode v) {
            if (!v.isArray()) {
                return false;
            }
            for (JsonNode e : v) {
                if (!element.accepts(e)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return "list[" + element.describe() + "]";
        }
    }

    record DictOf(TypeSpec key, TypeSpec value) implements TypeSpec {
        @Override
        public boolean accepts(JsonNode v) {
            if (!v.isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                boolean keyOk = key == Scalar.INT ? e.getKey().matches("-?\\d+") : key == Scalar.STR || key == Scalar.ANY;
                if (!keyOk || !value.accepts(e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return "dict[" + key.describe() + ", " + value.describe() + "]";
        }
    }

    record Optional(TypeSpec inner) implements TypeSpec {
        @Override
        public boolean accepts(JsonNode v) {
            return v.isNull() || inner.accepts(v);
        }

        @Override
        public String describe() {
            return inner.describe() + " | None";
        }
    }

    /** Parses an annotation; throws IllegalArgumentException naming what is not supported. */
    static TypeSpec parse(String annotation) {
        if (annotation == null || annotation.isBlank()) {
            throw new IllegalArgumentException("missing annotation");
        }
        String text = annotation.strip();
        List<String> union = split(text, '|');
        if (union.size() > 1) {
            List<String> rest = union.stream().filter(p -> !p.equals("None")).toList();
            if (rest.size() != 1 || union.size() != 2) {
                throw new IllegalArgumentException("unsupported union '" + text + "'; only 'T | None' is supported");
            }
            return new Optional(parse(rest.getFirst()));
        }
        int open = text.indexOf('[');
        if (open < 0) {
            return switch (text) {
                case "str" -> Scalar.STR;
                case "int" -> Scalar.INT;
                case "float" -> Scalar.FLOAT;
                case "bool" -> Scalar.BOOL;
                case "None" -> Scalar.NONE;
                case "Any", "typing.Any", "object" -> Scalar.ANY;
                case "list", "List" -> new ListOf(Scalar.ANY);
                case "dict", "Dict" -> new DictOf(Scalar.STR, Scalar.ANY);
                default -> throw new IllegalArgumentException("unsupported type '" + text
                        + "'; use str, int, float, bool, None, Any, list[...], dict[...] or Optional[...]");
            };
        }
        if (!text.endsWith("]")) {
            throw new IllegalArgumentException("cannot read type '" + text + "'");
        }
        String head = text.substring(0, open).strip();
        List<String> args = split(text.substring(open + 1, text.length() - 1), ',');
        return switch (head) {
            case "list", "List" -> {
                expect(args, 1, text);
                yield new ListOf(parse(args.getFirst()));
            }
            case "dict", "Dict" -> {
                expect(args, 2, text);
                yield new DictOf(parse(args.get(0)), parse(args.get(1)));
            }
            case "Optional", "typing.Optional" -> {
                expect(args, 1, text);
                yield new Optional(parse(args.getFirst()));
            }
            default -> throw new IllegalArgumentException("unsupported type '" + head
                    + "'; use list[...], dict[...] or Optional[...]");
        };
    }

    /** Converts a command-line string to a JSON value of this type. */
    default JsonNode fromText(String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        TypeSpec t = this instanceof Optional o ? (text.equals("None") || text.equals("null") ? Scalar.NONE : o.inner()) : this;
        try {
            return switch (t) {
                case Scalar s when s == Scalar.STR -> f.textNode(text);
                case Scalar s when s == Scalar.INT -> f.numberNode(Long.parseLong(text));
                case Scalar s when s == Scalar.FLOAT -> f.numberNode(Double.parseDouble(text));
                case Scalar s when s == Scalar.BOOL -> switch (text.toLowerCase()) {
                    case "true", "yes", "1" -> f.booleanNode(true);
                    case "false", "no", "0" -> f.booleanNode(false);
                    default -> throw new IllegalArgumentException("expected true or false");
                };
                case Scalar s when s == Scalar.NONE -> f.nullNode();
                default -> {
                    try {
                        yield new ObjectMapper().readTree(text);
                    } catch (Exception e) {
                        yield f.textNode(text);
                    }
                }
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + describe() + ", got '" + text + "'");
        }
    }

    private static void expect(List<String> args, int n, String text) {
        if (args.size() != n) {
            throw new IllegalArgumentException("'" + text + "' needs " + n + " type argument" + (n == 1 ? "" : "s"));
        }
    }

    /** Splits at top-level separators (not inside brackets). */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(text.substring(start).strip());
        return parts;
    }
}
