package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.rules.Candidate;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code hub triage export}: a JSONL training set for a FunctionGemma LoRA built from the hub's own update traces.
 * One line per recorded change that had a question for the model:
 * <ul>
 * <li>{@code messages}: developer (the instruction), user (the change as the model reads it), assistant with
 * {@code tool_calls}: the calls of the offered updates that turned out useful (they ran and changed stored state),
 * or {@code no_update} when none did — so a LoRA learns to skip updates that change nothing;
 * <li>{@code tools}: the functions offered (OpenAI shape, which FunctionGemma's chat template renders);
 * <li>{@code prompt} / {@code completion}: the same as FunctionGemma text (prompt-completion fine-tuning);
 * <li>{@code meta}: node, time, who decided, and per offered update whether it was useful, useless or unknown (it
 * did not run then: the target treats it as not needed).
 * </ul>
 */
final class TrainingSet {

    private TrainingSet() {
    }

    /** Writes the examples; returns how many. */
    static int write(List<RecordedChange> changes, String instruction, Predicate<String> runnable, int maxCandidates, Writer out)
            throws IOException {
        DeterministicTriage rules = new DeterministicTriage(DeterministicTriage.DEFAULT_BUDGET, runnable);
        int n = 0;
        for (RecordedChange rc : changes) {
            ModelTriage.Offer offer = ModelTriage.offer(rules, rc.change(), rc.candidates(), maxCandidates);
            if (offer.empty()) {
                continue;
            }
            List<FunctionGemma.Call> target = new ArrayList<>();
            ObjectNode useful = RecordedChange.MAPPER.createObjectNode();
            for (Map.Entry<String, Candidate> e : offer.byName().entrySet()) {
                String tool = e.getValue().tool();
                Boolean changed = rc.changedByTool().get(tool);
                useful.put(e.getKey(), changed == null ? "unknown" : changed ? "useful" : "useless");
                if (rc.useful(tool)) {
                    target.add(new FunctionGemma.Call(e.getKey(), Map.of("reason", "it changed stored "
                            + tool.replace('_', ' ').replaceFirst("^(find|compute|extract|search|list|scan) ", "") + " facts")));
                }
            }
            if (target.isEmpty()) {
                target.add(new FunctionGemma.Call(ModelTriage.NO_UPDATE, Map.of("reason", "no offered update changed stored state")));
            }
            String user = TriagePrompt.user(rc.change(), null, offer.byName());
            ObjectNode line = RecordedChange.MAPPER.createObjectNode();
            ArrayNode messages = line.putArray("messages");
            messages.addObject().put("role", "developer").put("content", instruction);
            messages.addObject().put("role", "user").put("content", user);
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            ArrayNode calls = assistant.putArray("tool_calls");
            StringBuilder completion = new StringBuilder();
            for (FunctionGemma.Call c : target) {
                ObjectNode fn = calls.addObject().put("type", "function").putObject("function");
                fn.put("name", c.name());
                fn.set("arguments", RecordedChange.MAPPER.valueToTree(c.arguments()));
                completion.append(FunctionGemma.START_CALL).append("call:").append(c.name()).append("{reason:")
                        .append(FunctionGemma.ESCAPE).append(c.arguments().get("reason")).append(FunctionGemma.ESCAPE).append('}')
                        .append(FunctionGemma.END_CALL);
            }
            ArrayNode tools = line.putArray("tools");
            for (FunctionGemma.Function f : offer.functions()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", f.name()).put("description", f.description());
                ObjectNode params = fn.putObject("parameters").put("type", "object");
                f.parameters().forEach((p, d) -> params.with("properties").putObject(p).put("type", "string").put("description", d));
                params.putArray("required").add("reason");
            }
            line.put("prompt", FunctionGemma.prompt(instruction, offer.functions(), user));
            line.put("completion", completion.append("<end_of_turn>").toString());
            ObjectNode meta = line.putObject("meta");
            meta.put("node", rc.change().nodeId());
            meta.put("at", String.valueOf(rc.at()));
            meta.put("decided_by", rc.decidedBy());
            meta.set("offered", useful);
            out.write(line.toString());
            out.write('\n');
            n++;
        }
        return n;
    }
}
