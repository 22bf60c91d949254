package dev.nodestate.hub.lang;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deterministic bag-of-features vector of a piece of source, for "how different is this code"
 * questions (diff drift, similar-code search). Version {@value #VERSION}; change the version when
 * anything below changes, since stored vectors are only comparable within one version.
 *
 * <p>Features, from {@link SourceTokens} (so comments, strings and layout do not count):
 * <ul>
 *   <li>{@code w:<sub>} for each identifier sub-token: identifiers split at {@code _}, at
 *       lower-to-upper case changes ({@code parseHTTPResponse} gives parse, http, response) and
 *       between letters and digits, lower-cased;</li>
 *   <li>{@code k:<keyword>} for each keyword;</li>
 *   <li>{@code b:<a> <b>} for each pair of adjacent token shapes, where an identifier's shape is
 *       {@code id}, a number's {@code num}, and a keyword's or operator's shape is its text
 *       ({@code if id}, {@code id (}, {@code . id}).</li>
 * </ul>
 * Each feature's weight is {@code 1 + ln(count)}. A feature goes to dimension
 * {@code h & 511} with sign {@code +} when bit 31 of {@code h} is 0, else {@code -}, where
 * {@code h} is the 32-bit FNV-1a hash (offset basis 0x811C9DC5, prime 0x01000193) of the
 * feature's UTF-8 bytes. The vector is then L2-normalised; a text without tokens gives the empty
 * (all-zero) vector.
 */
public final class SemanticVector {

    public static final String VERSION = "hashed-tokens-v1";
    public static final int DIMENSIONS = 512;

    private static final SemanticVector EMPTY = new SemanticVector(new double[DIMENSIONS]);

    private final double[] values;

    private SemanticVector(double[] values) {
        this.values = values;
    }

    /** The vector of {@code text} in {@code language} ("python" or "java"). */
    public static SemanticVector of(String language, String text) {
        return of(SourceTokens.of(language, text));
    }

    /** The vector of already lexed tokens (callers may leave some out, e.g. a node's own name). */
    public static SemanticVector of(List<SourceTokens.Token> tokens) {
        Map<String, Integer> counts = new TreeMap<>();
        String previous = null;
        for (SourceTokens.Token t : tokens) {
            switch (t.kind()) {
                case IDENTIFIER -> subTokens(t.text()).forEach(s -> counts.merge("w:" + s, 1, Integer::sum));
                case KEYWORD -> counts.merge("k:" + t.text(), 1, Integer::sum);
                default -> { }
            }
            String shape = switch (t.kind()) {
                case IDENTIFIER -> "id";
                case NUMBER -> "num";
                default -> t.text();
            };
            if (previous != null) {
                counts.merge("b:" + previous + " " + shape, 1, Integer::sum);
            }
            previous = shape;
        }
        if (counts.isEmpty()) {
            return EMPTY;
        }
        double[] v = new double[DIMENSIONS];
        for (var e : counts.entrySet()) {
            int h = fnv1a32(e.getKey());
            v[h & (DIMENSIONS - 1)] += (h < 0 ? -1 : 1) * (1 + Math.log(e.getValue()));
        }
        double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        if (norm == 0) {
            return EMPTY;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return new SemanticVector(v);
    }

    /** 32-bit FNV-1a of the UTF-8 bytes of {@code s}. */
    public static int fnv1a32(String s) {
        int h = 0x811C9DC5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    /** {@code parse_HTTPResponse2} gives parse, http, response, 2. */
    public static List<String> subTokens(String identifier) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (c == '_' || c == '$') {
                flush(cur, out);
                continue;
            }
            if (!cur.isEmpty()) {
                char p = identifier.charAt(i - 1);
                char n = i + 1 < identifier.length() ? identifier.charAt(i + 1) : '\0';
                boolean lowerToUpper = Character.isUpperCase(c) && (Character.isLowerCase(p) || Character.isDigit(p));
                boolean acronymEnd = Character.isUpperCase(c) && Character.isUpperCase(p) && Character.isLowerCase(n);
                boolean digitEdge = Character.isDigit(c) != Character.isDigit(p);
                if (lowerToUpper || acronymEnd || digitEdge) {
                    flush(cur, out);
                }
            }
            cur.append(c);
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (!cur.isEmpty()) {
            out.add(cur.toString().toLowerCase(Locale.ROOT));
            cur.setLength(0);
        }
    }

    /** True for the vector of a text without tokens. */
    public boolean isEmpty() {
        return this == EMPTY;
    }

    /** The components (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** Cosine similarity in [-1, 1]; 0 when either vector is empty. */
    public double cosine(SemanticVector other) {
        double dot = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
            dot += values[i] * other.values[i];
        }
        return dot;
    }

    /** {@code clamp(1 - cosine, 0, 1)}; 0 when both are empty, 1 when only one is. */
    public double drift(SemanticVector other) {
        if (isEmpty() || other.isEmpty()) {
            return isEmpty() && other.isEmpty() ? 0 : 1;
        }
        return Math.max(0, Math.min(1, 1 - cosine(other)));
    }
}
