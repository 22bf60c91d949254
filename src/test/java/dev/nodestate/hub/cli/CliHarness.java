package dev.nodestate.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.SharedRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs `hub` command lines in-process on the shared GraalPy runtime and captures what they print. */
final class CliHarness {

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(out);
        }
    }

    private CliHarness() {
    }

    static Result hub(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true),
                () -> new HubSession(SharedRuntime.get()));
        return new Result(code, out.toString(), err.toString());
    }
}
