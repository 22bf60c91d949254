package dev.nodestate.hub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for the store's records: snake_case names (declared on each record), timestamps as
 * ISO-8601 strings ({@code 2026-11-23T12:00:00Z}, as pydantic writes them), nulls written out.
 * Unknown properties are ignored on read, as pydantic does by default.
 */
final class Codec {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Codec() {
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Decodes {@code length} bytes; {@code what} names the value in the error (e.g. the store key). */
    static <T> T read(byte[] bytes, int length, Class<T> type, String what) {
        try {
            return MAPPER.readValue(bytes, 0, length, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode " + type.getSimpleName() + " for " + what + ": " + message(e), e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid " + type.getSimpleName() + " JSON: " + message(e), e);
        }
    }

    static byte[] deflate(String text) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
        try {
            deflater.setInput(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            deflater.finish();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static String inflate(byte[] bytes, int length, String what) {
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        try {
            inflater.setInput(bytes, 0, length);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("stored " + what + " is truncated");
                }
                out.write(buffer, 0, n);
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException("stored " + what + " is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static String message(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof IllegalArgumentException ? root.getMessage()
                : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }
}
