package dev.nodestate.hub.triage;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of a GGUF file (v2/v3, little-endian), read in Java before the native engine sees the
 * file: llama.cpp reports every load failure as "could not load model", and some bad inputs crash the
 * JVM instead, so the hub checks what it can first and says what is wrong. Keeps the scalar and string
 * values, the vocabulary ({@code tokenizer.ggml.tokens} and {@code token_type}) and the file offset of
 * each scalar value (to patch a value in a copy); other arrays are skipped. Tensor data is not read.
 */
record GgufFile(Path path, long size, int version, long tensorCount, Map<String, Object> metadata,
                List<String> tokens, int[] tokenTypes, Map<String, Long> valueOffsets) {

    /** llama.cpp's token types ({@code tokenizer.ggml.token_type}). */
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private static final int MAX_STRING = 1 << 24;
    private static final long MAX_ARRAY = 1L << 27;

    static GgufFile read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Reader in = new Reader(ch, path);
            byte[] magic = in.bytes(4);
            if (!"GGUF".equals(new String(magic, StandardCharsets.ISO_8859_1))) {
                throw bad(path, "not a GGUF file (it starts with " + printable(magic) + ", a GGUF file starts with 'GGUF')");
            }
            int version = in.i32();
            if (version < 2 || version > 3) {
                throw bad(path, "GGUF version " + version + " is not supported (2 and 3 are)");
            }
            long tensors = in.i64();
            long kvs = in.i64();
            if (tensors < 0 || kvs < 0 || kvs > 1_000_000) {
                throw bad(path, "damaged GGUF header (" + tensors + " tensors, " + kvs + " metadata entries)");
            }
            Map<String, Object> meta = new HashMap<>();
            Map<String, Long> offsets = new HashMap<>();
            List<String> tokens = List.of();
            int[] types = new int[0];
            for (long i = 0; i < kvs; i++) {
                String key = in.string();
                int type = in.i32();
                if (type == 9) {
                    int elemType = in.i32();
                    long n = in.i64();
                    if (n < 0 || n > MAX_ARRAY) {
                        throw bad(path, "damaged GGUF metadata: array " + key + " has " + n + " elements");
                    }
                    if (key.equals("tokenizer.ggml.tokens") && elemType == 8) {
                        List<String> list = new ArrayList<>((int) n);
                        for (long j = 0; j < n; j++) {
                            list.add(in.string());
                        }
                        tokens = List.copyOf(list);
                    } else if (key.equals("tokenizer.ggml.token_type") && elemType == 5) {
                        types = new int[(int) n];
                        for (int j = 0; j < n; j++) {
                            types[j] = in.i32();
                        }
                    } else {
                        for (long j = 0; j < n; j++) {
                            in.skipValue(elemType, key);
                        }
                    }
                } else {
                    offsets.put(key, in.position());
                    meta.put(key, in.value(type, key));
                }
            }
            return new GgufFile(path, ch.size(), version, tensors, Map.copyOf(meta), tokens, types, Map.copyOf(offsets));
        } catch (NoSuchFileException e) {
            throw new HubException(ExitCode.NOT_FOUND, path + ": no such file");
        } catch (EOFException e) {
            throw bad(path, "the file ends inside the GGUF header (truncated download?)");
        } catch (IOException e) {
            throw new HubException(ExitCode.FAILURE, path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@code general.architecture}, e.g. "gemma3"; null when absent. */
    String architecture() {
        return metadata.get("general.architecture") instanceof String s ? s : null;
    }

    /** {@code general.type}: "model" (the default when absent) or "adapter". */
    String type() {
        return metadata.get("general.type") instanceof String s ? s : "model";
    }

    String string(String key) {
        return metadata.get(key) instanceof String s ? s : null;
    }

    /** An integer value of any width; -1 when absent. */
    long integer(String key) {
        return metadata.get(key) instanceof Number n && !(n instanceof Float || n instanceof Double) ? n.longValue() : -1;
    }

    /** The text of token {@code id}; null when the file has no such token. */
    String token(long id) {
        return id >= 0 && id < tokens.size() ? tokens.get((int) id) : null;
    }

    int tokenType(int id) {
        return id < tokenTypes.length ? tokenTypes[id] : NORMAL;
    }

    private static HubException bad(Path path, String what) {
        return new HubException(ExitCode.FAILURE, path + ": " + what);
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder("'");
        for (byte c : b) {
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c & 0xff));
        }
        return s.append("'").toString();
    }

    /** Little-endian reads over a file channel, through a small buffer, keeping the file position. */
    private static final class Reader {
        private final FileChannel ch;
        private final Path path;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long consumed;

        Reader(FileChannel ch, Path path) {
            this.ch = ch;
            this.path = path;
            buf.limit(0);
        }

        long position() {
            return consumed + buf.position();
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            consumed += buf.position();
            buf.compact();
            while (buf.position() < n) {
                if (ch.read(buf) < 0) {
                    throw new EOFException();
                }
            }
            buf.flip();
        }

        byte[] bytes(int n) throws IOException {
            byte[] out = new byte[n];
            int done = 0;
            while (done < n) {
                int chunk = Math.min(n - done, buf.capacity());
                need(chunk);
                buf.get(out, done, chunk);
                done += chunk;
            }
            return out;
        }

        int i32() throws IOException {
            need(4);
            return buf.getInt();
        }

        long i64() throws IOException {
            need(8);
            return buf.getLong();
        }

        String string() throws IOException {
            long n = i64();
            if (n < 0 || n > MAX_STRING) {
                throw bad(path, "damaged GGUF metadata: a string of " + n + " bytes at offset " + (position() - 8));
            }
            return new String(bytes((int) n), StandardCharsets.UTF_8);
        }

        Object value(int type, String key) throws IOException {
            return switch (type) {
                case 0 -> { need(1); yield Byte.toUnsignedInt(buf.get()); }
                case 1 -> { need(1); yield (int) buf.get(); }
                case 2 -> { need(2); yield Short.toUnsignedInt(buf.getShort()); }
                case 3 -> { need(2); yield (int) buf.getShort(); }
                case 4 -> Integer.toUnsignedLong(i32());
                case 5 -> i32();
                case 6 -> { need(4); yield buf.getFloat(); }
                case 7 -> { need(1); yield buf.get() != 0; }
                case 8 -> string();
                case 10, 11 -> i64();
                case 12 -> { need(8); yield buf.getDouble(); }
                default -> throw bad(path, "damaged GGUF metadata: " + key + " has unknown value type " + type);
            };
        }

        void skipValue(int type, String key) throws IOException {
            value(type, key);
        }
    }
}
