package dev.nodestate.hub.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SemanticVectorTest {

    private static final String SUM = """
            def total(items):
                result = 0
                for item in items:
                    result += item.price
                return result
            """;

    @Test
    void identifiers_split_at_underscores_case_changes_and_digits() {
        assertEquals(List.of("parse", "http", "response", "2"), SemanticVector.subTokens("parse_HTTPResponse2"));
        assertEquals(List.of("get", "url", "for"), SemanticVector.subTokens("getURLFor"));
        assertEquals(List.of("init"), SemanticVector.subTokens("__init__"));
    }

    @Test
    void the_hash_is_32_bit_fnv_1a_of_utf_8() {
        assertEquals(0x811C9DC5, SemanticVector.fnv1a32(""));
        assertEquals(0xE40C292C, SemanticVector.fnv1a32("a"));
        assertEquals(0xBF9CF968, SemanticVector.fnv1a32("foobar"));
    }

    @Test
    void vectors_are_unit_length_and_the_same_for_the_same_text() {
        double[] v = SemanticVector.of("python", SUM).values();
        assertEquals(1.0, Math.sqrt(Arrays.stream(v).map(x -> x * x).sum()), 1e-12);
        assertEquals(SemanticVector.DIMENSIONS, v.length);
        assertArrayEquals(v, SemanticVector.of("python", SUM).values());
    }

    @Test
    void a_whitespace_and_comment_edit_does_not_drift() {
        String edited = """
                def total(items):  # sum of prices

                    result  =  0
                    for item in items:   # each one
                        result += item.price
                    return result
                """;
        assertEquals(0.0, SemanticVector.of("python", SUM).drift(SemanticVector.of("python", edited)), 1e-9);
    }

    @Test
    void a_rewrite_drifts_far() {
        String rewrite = """
                def total(items):
                    with open(items) as handle:
                        return json.loads(handle.read()).get("sum", None)
                """;
        double drift = SemanticVector.of("python", SUM).drift(SemanticVector.of("python", rewrite));
        assertTrue(drift > 0.5, "drift " + drift);
    }

    @Test
    void empty_vectors_drift_zero_from_each_other_and_fully_from_anything_else() {
        SemanticVector empty = SemanticVector.of("java", "// only a comment");
        assertTrue(empty.isEmpty());
        assertEquals(0.0, empty.drift(SemanticVector.of("java", "")));
        assertEquals(1.0, empty.drift(SemanticVector.of("java", "int x = 1;")));
        assertEquals(1.0, SemanticVector.of("java", "int x = 1;").drift(empty));
    }
}
