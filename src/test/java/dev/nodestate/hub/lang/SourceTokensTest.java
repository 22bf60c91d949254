package dev.nodestate.hub.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.lang.SourceTokens.Kind;
import dev.nodestate.hub.lang.SourceTokens.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTokensTest {

    private static List<String> texts(String language, String source) {
        return SourceTokens.of(language, source).stream().map(Token::text).toList();
    }

    @Test
    void python_comments_and_string_contents_never_become_tokens() {
        assertEquals(List.of("x", "=", "+", "y", "=", "x"),
                texts("python", "x = \"a # call()\" + 'it''s'  # comment call()\ny = x\n"));
    }

    @Test
    void python_triple_quoted_strings_span_lines_and_hold_quotes_and_hashes() {
        List<Token> tokens = SourceTokens.of("python", "s = '''it's \"q\" # no\nfoo()\n'''\nbar()\n");
        assertEquals(List.of("s", "=", "bar", "(", ")"), tokens.stream().map(Token::text).toList());
        assertEquals(4, tokens.get(2).line(), "lines inside the string are counted");
    }

    @Test
    void python_string_prefixes_and_f_string_fields_with_nested_quotes_are_skipped() {
        String source = "v = f\"{d['}']} {{x}}\" + rb'\\d' + Rf'''{a}\n''' + BR\"x\" + t'{y}'\nend = u'z'\n";
        assertEquals(List.of("v", "=", "+", "+", "+", "+", "end", "="), texts("python", source));
    }

    @Test
    void a_python_identifier_that_looks_like_a_prefix_is_still_an_identifier() {
        assertEquals(List.of("rb", "=", "f", "(", "br", ")"), texts("python", "rb = f(br)"));
    }

    @Test
    void java_comments_strings_text_blocks_and_char_literals_are_skipped() {
        String source = """
                int a = 1; // x()
                /* y() "not a string */ String s = \"""
                  z() "quoted" \\\""" still inside
                  \"""; char c = '\\''; char d = '"'; foo("bar(\\"");
                """;
        assertEquals(List.of("int", "a", "=", "1", ";", "String", "s", "=", ";", "char", "c", "=", ";",
                "char", "d", "=", ";", "foo", "(", ")", ";"), texts("java", source));
    }

    @Test
    void keywords_follow_the_language() {
        List<Token> py = SourceTokens.of("python", "print(match, case, type) if None else yield");
        assertEquals(Kind.IDENTIFIER, py.get(0).kind(), "print is a function in Python 3");
        assertEquals(Kind.IDENTIFIER, py.get(2).kind(), "match is a soft keyword");
        assertEquals(Kind.KEYWORD, py.get(8).kind(), "if");
        List<Token> java = SourceTokens.of("java", "yield var; record");
        assertEquals(List.of(Kind.KEYWORD, Kind.IDENTIFIER, Kind.OPERATOR, Kind.IDENTIFIER),
                java.stream().map(Token::kind).toList());
    }

    @Test
    void numbers_with_exponents_hex_and_leading_dots_are_single_tokens() {
        List<Token> tokens = SourceTokens.of("python", "a = 1e-3 + 0x1F - .5 + 1_000j");
        assertEquals(List.of("a", "=", "1e-3", "+", "0x1F", "-", ".5", "+", "1_000j"), tokens.stream().map(Token::text).toList());
        assertEquals(Kind.NUMBER, tokens.get(6).kind());
    }

    @Test
    void python_logical_lines_continue_inside_brackets_and_after_backslashes() {
        List<Token> tokens = SourceTokens.of("python", "x = (1,\n  2)\ny = 3 + \\\n  4\nz\n");
        List<String> starts = tokens.stream().filter(Token::lineStart).map(Token::text).toList();
        assertEquals(List.of("x", "y", "z"), starts);
    }

    @Test
    void java_statements_start_after_semicolons_and_braces_but_not_inside_for_headers() {
        List<Token> tokens = SourceTokens.of("java", "for (int i = 0; i < n; i++) { a(); } b();");
        List<String> starts = tokens.stream().filter(Token::lineStart).map(Token::text).toList();
        assertEquals(List.of("for", "a", "b"), starts);
    }

    @Test
    void java_closing_generics_are_single_angle_brackets() {
        assertEquals(List.of("Map", "<", "K", ",", "List", "<", "V", ">", ">", "m"), texts("java", "Map<K, List<V>> m"));
    }

    @Test
    void an_unterminated_string_ends_at_the_end_of_its_line() {
        assertEquals(List.of("a", "=", "b"), texts("python", "a = 'oops\nb"));
        assertTrue(texts("java", "/* never closed").isEmpty());
    }

    @Test
    void an_unknown_language_is_refused_with_the_languages_it_reads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceTokens.of("ruby", "x"));
        assertTrue(e.getMessage().contains("'ruby'") && e.getMessage().contains("python or java"), e.getMessage());
    }
}
