package dev.nodestate.hub.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree whose every node knows its line and column, so that
 * the rule loader can name the exact place of a problem. Jackson's streaming YAML parser gives
 * the locations; its databind tree would drop them.
 */
public final class Yaml {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** Where a node starts: 1-based line and column. */
    public record Where(int line, int column) {
        public static Where of(JsonLocation location) {
            return new Where(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        }
    }

    /** A YAML node with its place in the file. */
    public sealed interface Node {
        Where where();

        /** What the node is, for "expected a list, found a number" messages. */
        String describe();
    }

    /** A mapping entry: the key's place (where unknown-key errors point) and its value. */
    public record Entry(String key, Where keyWhere, Node value) {
    }

    public record MapNode(Where where, Map<String, Entry> entries) implements Node {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    public record ListNode(Where where, List<Node> items) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar: String, Boolean, a Number, or null. */
    public record Scalar(Where where, Object value) implements Node {
        @Override
        public String describe() {
            return switch (value) {
                case null -> "null";
                case String s -> "the text '" + s + "'";
                case Boolean b -> "the boolean " + b;
                default -> "the number " + value;
            };
        }
    }

    /** A syntax error (or a repeated key) at a place. */
    public static final class SyntaxError extends Exception {
        public final Where where;

        SyntaxError(Where where, String message) {
            super(message);
            this.where = where;
        }
    }

    private Yaml() {
    }

    /** Parses the first document of {@code text}; null for an empty document. */
    public static Node parse(String text) throws SyntaxError {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Node root = read(p);
            if (p.nextToken() != null) {
                throw new SyntaxError(Yaml.Where.of(p.currentTokenLocation()),
                        "a rules file holds one YAML document; remove the second '---'");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new SyntaxError(at == null ? new Where(1, 1) : Where.of(at), summary(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SyntaxError(new Where(1, 1), e.getMessage());
        }
    }

    /** SnakeYAML's message without its position lines and the source lines it echoes above a '^'. */
    private static String summary(String message) {
        List<String> lines = message.lines().map(String::strip).toList();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            boolean echo = i + 1 < lines.size() && lines.get(i + 1).startsWith("^");
            if (!l.isEmpty() && !echo && !l.startsWith("^") && !l.startsWith("in 'reader'")) {
                kept.add(l);
            }
        }
        return kept.isEmpty() ? "invalid YAML" : String.join("; ", kept);
    }

    private static Node read(JsonParser p) throws IOException, SyntaxError {
        Where where = Where.of(p.currentTokenLocation());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Where keyWhere = Where.of(p.currentTokenLocation());
                    p.nextToken();
                    Node value = read(p);
                    Entry before = entries.putIfAbsent(key, new Entry(key, keyWhere, value));
                    if (before != null) {
                        throw new SyntaxError(keyWhere, "key '" + key + "' appears twice in one mapping (first at line "
                                + before.keyWhere().line() + "); keep one");
                    }
                }
                return new MapNode(where, entries);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p));
                }
                return new ListNode(where, items);
            }
            case VALUE_STRING -> {
                return new Scalar(where, p.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Scalar(where, p.getNumberValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Scalar(where, p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return new Scalar(where, null);
            }
            default -> throw new SyntaxError(where, "unexpected YAML token " + t);
        }
    }
}
