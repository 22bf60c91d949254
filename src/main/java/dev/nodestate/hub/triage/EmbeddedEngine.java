package dev.nodestate.hub.triage;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process inference engine for machines without a model server: a GGUF model (and optionally a
 * LoRA adapter) run on the CPU by llama.cpp through java-llama.cpp ({@value #BINDING}).
 *
 * <p>What the hub adds around the binding, each for a fault seen in 4.2.0:
 * <ul>
 * <li>Files are checked in Java first ({@link GgufFile}): the binding reports every load failure as
 *     "could not load model from given file path" and keeps llama.cpp's reason on stderr.</li>
 * <li>llama.cpp's log (~190 lines per load) is switched off; set {@code HUB_LLAMA_LOG=1} to see it on
 *     stderr. The binding's {@code setLogger} callback is never called in 4.2.0.</li>
 * <li>The native library is extracted into a temporary directory of this process, not the shared
 *     {@code /tmp/libjllama.so} the binding uses (and announces on stdout, which carries the hub's data).</li>
 * <li>A LoRA scale other than 1 is applied by loading a copy of the adapter whose
 *     {@code adapter.lora.alpha} is multiplied by the scale (llama.cpp applies scale·alpha/rank):
 *     {@code ModelParameters.addLoraScaledAdapter} passes "FILE,SCALE" as one argument, llama.cpp fails
 *     to parse it ("error while handling argument --lora-scaled: stof"), the model is left unloaded,
 *     and the next call crashes the JVM. Scale 0 loads no adapter.</li>
 * <li>Control tokens come out only as themselves: every non-control token whose text contains '<'
 *     is banned from the output. llama.cpp b4916 grammars match text, not token ids, so without the
 *     ban a grammar literal like {@code <escape>} may also be spelled '<', 'es', 'ca', 'pe', '>' (the
 *     tiny test model does exactly that). FunctionGemma's output format never needs a bare '<'.</li>
 * <li>Completions are serialised: one llama.cpp slot, one request at a time.</li>
 * </ul>
 *
 * <p>Known limits of the binding: a native thread keeps the JVM alive after {@link #close()} (exit
 * with {@code System.exit}, as the CLI does); native memory is not all freed on close (upstream #102),
 * so load one engine per process and keep it; an invalid GBNF grammar is not reported (llama.cpp prints the parse
 * error on stderr and generates unconstrained): use {@link FunctionCallGrammar}, whose output is
 * tested, and validate the calls anyway; {@code n_probs} aborts the JVM (a JSON assertion in the
 * binding), so token probabilities are not offered; gemma3 models with fewer than 6 blocks crash
 * llama.cpp b4916 in warm-up (SIGSEGV in ggml_backend_buffer_get_type).
 */
final class EmbeddedEngine implements AutoCloseable {

    static final String BINDING = "de.kherud:llama:4.2.0, llama.cpp b4916";
    /** The context when {@link Options#contextSize()} is 0 (or the model's trained context if smaller). */
    static final int DEFAULT_CONTEXT = 2048;

    /**
     * @param lora        a LoRA adapter GGUF, null for none
     * @param loraScale   multiplies the adapter's effect (1 as trained; 0 loads no adapter)
     * @param contextSize tokens of context; 0 for {@value #DEFAULT_CONTEXT} (capped at the model's)
     * @param threads     CPU threads; 0 for all cores up to 4
     */
    record Options(Path model, Path lora, float loraScale, int contextSize, int threads) {
        Options {
            Objects.requireNonNull(model, "model");
            if (!Float.isFinite(loraScale)) {
                throw new IllegalArgumentException("loraScale must be a finite number, got " + loraScale);
            }
            if (contextSize < 0 || threads < 0) {
                throw new IllegalArgumentException("contextSize and threads must be 0 (default) or more, got "
                        + contextSize + " and " + threads);
            }
        }

        Options(Path model, Path lora) {
            this(model, lora, 1f, 0, 0);
        }
    }

    /** @param tokens generated tokens as the engine streamed them, the final end-of-generation token included */
    record Completion(String text, int tokens, Duration elapsed) {}

    private final LlamaModel llama;
    private final GgufFile model;
    private final GgufFile lora;
    private final float loraScale;
    private final Path scaledLora;
    private final List<Integer> strayAngleTokens;
    private final List<String> endTexts;
    private final String bosText;
    private final int context;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private EmbeddedEngine(LlamaModel llama, GgufFile model, GgufFile lora, float loraScale, Path scaledLora, int context) {
        this.llama = llama;
        this.context = context;
        this.model = model;
        this.lora = lora;
        this.loraScale = loraScale;
        this.scaledLora = scaledLora;
        this.strayAngleTokens = strayAngleTokens(model);
        this.endTexts = endTexts(model);
        this.bosText = model.token(model.integer("tokenizer.ggml.bos_token_id"));
    }

    /**
     * Loads the model (and adapter). Fails with a {@link HubException} naming the file and what to do
     * when a file is missing, is not a GGUF, is the wrong kind (a model given as adapter or the
     * reverse, an adapter for another architecture), or when the native library cannot load here.
     */
    static EmbeddedEngine load(Options o) {
        GgufFile model = readGguf(o.model(), "triage model");
        if (model.type().equals("adapter")) {
            throw new HubException(ExitCode.USAGE, o.model() + " is a LoRA adapter (general.type=adapter), not a model: "
                    + "give it as the adapter and the base model's GGUF as the model");
        }
        if (model.architecture() == null || model.tokens().isEmpty()) {
            throw new HubException(ExitCode.FAILURE, o.model() + ": a GGUF without "
                    + (model.architecture() == null ? "general.architecture" : "a vocabulary (tokenizer.ggml.tokens)")
                    + " is not a language model llama.cpp can run");
        }
        GgufFile lora = o.lora() == null ? null : readGguf(o.lora(), "LoRA adapter");
        if (lora != null) {
            checkAdapter(lora, model);
        }
        int trained = (int) model.integer(model.architecture() + ".context_length");
        int context = o.contextSize() > 0 ? o.contextSize()
                : trained > 0 ? Math.min(DEFAULT_CONTEXT, trained) : DEFAULT_CONTEXT;
        int threads = o.threads() > 0 ? o.threads() : Math.min(4, Runtime.getRuntime().availableProcessors());

        ModelParameters p = new ModelParameters()
                .setModel(o.model().toAbsolutePath().toString())
                .setCtxSize(context)
                .setThreads(threads)
                .setThreadsBatch(threads)
                .enableSpecial(); // control tokens appear in the output text (else they are dropped)
        if (!nativeLogWanted()) {
            p.disableLog();
        }
        Path scaled = null;
        boolean withLora = lora != null && o.loraScale() != 0f;
        if (withLora) {
            scaled = o.loraScale() == 1f ? null : scaledCopy(lora, o.loraScale());
            p.addLoraAdapter((scaled != null ? scaled : o.lora()).toAbsolutePath().toString());
        }
        try {
            NativeLibrary.prepare();
        } catch (UncheckedIOException e) {
            deleteQuietly(scaled);
            throw new HubException(ExitCode.FAILURE, "the embedded triage engine " + e.getMessage(), e);
        }
        try {
            return new EmbeddedEngine(new LlamaModel(p), model, withLora ? lora : null, o.loraScale(), scaled, context);
        } catch (LinkageError e) {
            deleteQuietly(scaled);
            throw new HubException(ExitCode.FAILURE, "the embedded triage engine cannot run here: its native library ("
                    + BINDING + ", for " + NativeLibrary.folder() + ") did not load: " + e
                    + ". It ships for Linux (glibc), macOS and Windows on x86_64 and aarch64. Point triage/agent.yaml's "
                    + "base_url at a model server (llama-server, vLLM or Ollama) instead.", e);
        } catch (RuntimeException e) { // the binding's LlamaException is package-private
            deleteQuietly(scaled);
            throw new HubException(ExitCode.FAILURE, "llama.cpp could not load " + o.model()
                    + (withLora ? " with adapter " + o.lora() : "") + ": " + e.getMessage()
                    + " (the files passed the hub's GGUF checks; run with HUB_LLAMA_LOG=1 to see llama.cpp's reason "
                    + "on stderr, or point triage/agent.yaml's base_url at a model server)", e);
        }
    }

    /**
     * Greedy (temperature 0) completion of a raw prompt: special tokens written in the text
     * ({@code <start_of_turn>}, {@code <start_function_call>}...) are parsed as tokens, and the
     * beginning-of-sequence token is added by the engine (a leading {@code <bos>} in the prompt is
     * dropped so it is not doubled). The output is constrained by the GBNF {@code grammar} (null for
     * none) and stops at the first of {@code stops} (left out of the text), at an end-of-generation
     * token (left out of the text; the grammar allows it only where the grammar may end), or after
     * {@code maxTokens}. A prompt that leaves no room for {@code maxTokens} in the context is refused
     * (llama.cpp would silently cut it). The prompt's longest prefix shared with the previous request is reused from
     * the KV cache, so keep the instructions and declarations byte-identical across calls.
     * Thread-safe: calls are serialised.
     */
    Completion complete(String prompt, String grammar, int maxTokens, List<String> stops) {
        Objects.requireNonNull(prompt, "prompt");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        String text = bosText != null && prompt.startsWith(bosText) ? prompt.substring(bosText.length()) : prompt;
        InferenceParameters ip = new InferenceParameters(text)
                .setTemperature(0f)
                .setNPredict(maxTokens)
                .setCachePrompt(true);
        if (grammar != null && !grammar.isBlank()) {
            ip.setGrammar(grammar);
        }
        if (stops != null && !stops.isEmpty()) {
            ip.setStopStrings(stops.toArray(String[]::new));
        }
        if (!strayAngleTokens.isEmpty()) {
            ip.disableTokenIds(strayAngleTokens);
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the embedded engine was closed: " + describe());
            }
            int promptTokens = llama.encode(text).length + 1; // + the <bos> the engine adds
            if (promptTokens + maxTokens > context) {
                throw new HubException(ExitCode.FAILURE, "the triage prompt has " + promptTokens + " tokens and "
                        + maxTokens + " more may be generated, but the embedded model's context is " + context
                        + " tokens (" + describe() + "): raise the context size or offer fewer candidates per request");
            }
            long start = System.nanoTime();
            StringBuilder out = new StringBuilder();
            int tokens = 0;
            LlamaIterator it = llama.generate(ip).iterator();
            try {
                while (it.hasNext()) {
                    LlamaOutput chunk = it.next();
                    if (!chunk.text.isEmpty()) {
                        out.append(chunk.text);
                        tokens++;
                    }
                }
            } catch (RuntimeException e) {
                it.cancel();
                throw new HubException(ExitCode.FAILURE, "the embedded model failed after " + tokens + " tokens ("
                        + describe() + "): " + e.getMessage(), e);
            }
            for (String end : endTexts) {
                if (out.length() >= end.length() && out.lastIndexOf(end) == out.length() - end.length()) {
                    out.setLength(out.length() - end.length());
                    break;
                }
            }
            return new Completion(out.toString(), tokens, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            lock.unlock();
        }
    }

    /** E.g. "gemma3 (6 layers, 1.1 MB) + lora tiny-gemma3-lora.gguf x0.5". */
    String describe() {
        String arch = model.architecture();
        long blocks = model.integer(arch + ".block_count");
        String s = String.format(Locale.ROOT, "%s (%s, %s)", arch, blocks > 0 ? blocks + " layers" : "? layers",
                megabytes(model.size()));
        if (lora != null) {
            s += " + lora " + lora.path().getFileName() + (loraScale == 1f ? "" : " x" + loraScale);
        }
        return s;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                llama.close();
                deleteQuietly(scaledLora);
            }
        } finally {
            lock.unlock();
        }
    }

    private static GgufFile readGguf(Path file, String what) {
        if (!Files.exists(file)) {
            throw new HubException(ExitCode.NOT_FOUND, what + " not found: " + file.toAbsolutePath()
                    + " (download a GGUF, e.g. of functiongemma-270m-it, and set its path in triage/agent.yaml, "
                    + "or point base_url there at a model server)");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HubException(ExitCode.FAILURE, what + " " + file.toAbsolutePath() + " is not a readable file");
        }
        try {
            return GgufFile.read(file);
        } catch (HubException e) {
            throw new HubException(e.exitCode(), what + " " + e.getMessage(), e);
        }
    }

    private static void checkAdapter(GgufFile lora, GgufFile model) {
        Path f = lora.path();
        if (!lora.type().equals("adapter") || !"lora".equals(lora.string("adapter.type"))) {
            throw new HubException(ExitCode.USAGE, "LoRA adapter " + f + " is not a LoRA adapter GGUF (general.type="
                    + lora.type() + ", adapter.type=" + lora.string("adapter.type") + "; expected adapter and lora): "
                    + "convert a PEFT adapter with llama.cpp's convert_lora_to_gguf.py");
        }
        if (!Objects.equals(lora.architecture(), model.architecture())) {
            throw new HubException(ExitCode.USAGE, "LoRA adapter " + f + " is for " + lora.architecture()
                    + " but the model " + model.path() + " is " + model.architecture()
                    + ": use an adapter trained on this base model");
        }
    }

    /** A temporary copy of the adapter with adapter.lora.alpha multiplied by {@code scale}. */
    private static Path scaledCopy(GgufFile lora, float scale) {
        Long at = lora.valueOffsets().get("adapter.lora.alpha");
        if (!(lora.metadata().get("adapter.lora.alpha") instanceof Float alpha) || alpha == 0f || at == null) {
            throw new HubException(ExitCode.USAGE, "cannot scale LoRA adapter " + lora.path() + " by " + scale
                    + ": it has no float adapter.lora.alpha (llama.cpp applies scale*alpha/rank); use scale 1, or convert "
                    + "the adapter with llama.cpp's convert_lora_to_gguf.py, which writes alpha");
        }
        Path copy = null;
        try {
            copy = Files.createTempFile("hub-lora-", ".gguf");
            Files.copy(lora.path(), copy, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(alpha * scale).flip();
                ch.write(b, at);
            }
            return copy;
        } catch (IOException e) {
            deleteQuietly(copy);
            throw new HubException(ExitCode.FAILURE, "cannot write a scaled copy of LoRA adapter " + lora.path()
                    + " in " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /** Non-control tokens whose text holds '<' (the byte token <0x3C> included). */
    static List<Integer> strayAngleTokens(GgufFile model) {
        List<Integer> ids = new ArrayList<>();
        List<String> tokens = model.tokens();
        for (int id = 0; id < tokens.size(); id++) {
            int type = model.tokenType(id);
            String t = tokens.get(id);
            if (type != GgufFile.CONTROL && (type == GgufFile.BYTE ? t.equalsIgnoreCase("<0x3C>") : t.indexOf('<') >= 0)) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    /** Texts of the end-of-generation tokens that may close the output. */
    private static List<String> endTexts(GgufFile model) {
        List<String> ends = new ArrayList<>();
        for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            String t = model.token(model.integer(key));
            if (t != null && !t.isEmpty() && !ends.contains(t)) {
                ends.add(t);
            }
        }
        for (String t : List.of("<end_of_turn>", "<eos>")) { // llama.cpp treats these as end of generation by name
            if (model.tokens().contains(t) && !ends.contains(t)) {
                ends.add(t);
            }
        }
        return List.copyOf(ends);
    }

    private static boolean nativeLogWanted() {
        String v = System.getenv("HUB_LLAMA_LOG");
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    private static String megabytes(long bytes) {
        return bytes >= 1 << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1 << 30))
                : String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary copy; the OS cleans its temp directory
            }
        }
    }

    /**
     * Extracts the binding's native library for this OS into a directory of this process and points the
     * binding at it ({@code de.kherud.llama.lib.path}), once. Left alone when that property is set.
     */
    static final class NativeLibrary {
        private static boolean prepared;

        private NativeLibrary() {}

        static synchronized void prepare() {
            if (prepared || System.getProperty("de.kherud.llama.lib.path") != null) {
                return;
            }
            prepared = true;
            String name = System.mapLibraryName("jllama");
            String resource = "/de/kherud/llama/" + folder() + "/" + name;
            try (InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return; // no library for this OS in the jar: the binding's own loader reports it
                }
                Path dir = Files.createTempDirectory("hub-jllama-");
                Path lib = dir.resolve(name);
                Files.copy(in, lib);
                dir.toFile().deleteOnExit();
                lib.toFile().deleteOnExit(); // deleted before its directory
                System.setProperty("de.kherud.llama.lib.path", dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the llama.cpp native library to "
                        + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
            }
        }

        /** The binding's folder for this OS and CPU, e.g. "Linux/x86_64". */
        static String folder() {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            String o = os.startsWith("Windows") ? "Windows" : os.startsWith("Mac") || os.startsWith("Darwin") ? "Mac" : os;
            String a = switch (arch) {
                case "amd64", "x86_64", "x64" -> "x86_64";
                case "aarch64", "arm64" -> "aarch64";
                case "x86", "i386", "i686" -> "x86";
                default -> arch;
            };
            return o + "/" + a;
        }
    }
}
