package dev.nodestate.hub.triage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The triage model in-process ({@code engine: embedded}): the FunctionGemma prompt is built here, completed by
 * {@link EmbeddedEngine} under {@link FunctionCallGrammar} (only calls of the offered functions can come out) and
 * parsed like a server's text reply. A completion past the deadline is a timeout; it finishes in the background
 * and the next decision waits for it.
 */
final class EmbeddedModel implements ModelClient {

    private final EmbeddedEngine engine;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
            .name("hub-triage-embedded").unstarted(r));

    EmbeddedModel(EmbeddedEngine engine) {
        this.engine = engine;
    }

    static ModelClient open(AgentDefinition d) {
        return new EmbeddedModel(EmbeddedEngine.load(new EmbeddedEngine.Options(d.embeddedModel(), d.embeddedLora())));
    }

    @Override
    public List<FunctionGemma.Call> ask(Ask ask, Duration deadline) throws Failure {
        String prompt = FunctionGemma.prompt(ask.instruction(), ask.functions(), ask.user());
        List<String> names = ask.functions().stream().map(FunctionGemma.Function::name).toList();
        String grammar = FunctionCallGrammar.gbnf(names, names.size());
        int maxTokens = 48 * names.size() + 16;
        Future<EmbeddedEngine.Completion> run = worker.submit(() -> engine.complete(prompt, grammar, maxTokens, FunctionCallGrammar.STOPS));
        EmbeddedEngine.Completion done;
        try {
            done = run.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Failure("timeout", "the embedded model did not finish within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", "interrupted while the embedded model ran");
        } catch (ExecutionException e) {
            throw new Failure("engine error", "the embedded model failed: " + e.getCause().getMessage());
        }
        try {
            return FunctionGemma.calls(done.text());
        } catch (FunctionGemma.Unreadable e) {
            throw new Failure("no usable answer", e.getMessage());
        }
    }

    String describe() {
        return engine.describe();
    }

    @Override
    public void close() {
        worker.shutdownNow();
        engine.close();
    }
}
