package dev.nodestate.hub.testrun;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts one configured runner for one test: each command in the repository, with a clean environment
 * ({@code PATH} and the runner's {@code env} only: no inherited secrets), stdout and stderr merged into a buffer
 * capped at the runner's {@code output_kb} (the tail is kept, the head counted), and the runner's timeout for the
 * whole run, after which the process and its children are killed and the outcome is {@code timeout}.
 */
final class TestProcess {

    /** What to run: the test file (repo-relative), its name, and for Java the class and method. */
    record Target(String nodeId, String language, String testFile, String testName, String testClass, String testMethod) {
        String testId() {
            return language.equals("java") ? testClass + "#" + testMethod : testFile + "::" + testName;
        }
    }

    /** The finished run: what the trace line and the page show. */
    record Result(String runner, List<List<String>> commands, Integer exitCode, String outcome, long durationMs,
            String output, long outputBytes, boolean truncated, String message) {
    }

    private TestProcess() {
    }

    static Result run(Path repo, Runners.Runner runner, Target target) {
        Instant start = Instant.now();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(runner.timeoutSeconds());
        Path work;
        try {
            work = Files.createDirectories(repo.resolve(".agentfs/tests/work")).resolve("run-" + System.nanoTime());
            Files.createDirectories(work);
        } catch (IOException e) {
            return new Result(runner.name(), List.of(), null, "error", 0, "", 0, false, "cannot make a work directory: " + e.getMessage());
        }
        Output output = new Output(runner.outputBytes());
        List<List<String>> commands = new ArrayList<>();
        try {
            for (int i = 0; i < runner.commands().size(); i++) {
                List<String> argv = expand(runner.commands().get(i), repo, target, work);
                commands.add(argv);
                boolean last = i == runner.commands().size() - 1;
                ProcessBuilder pb = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true);
                Map<String, String> env = pb.environment();
                String path = System.getenv("PATH");
                env.clear();
                env.put("PATH", path == null ? "/usr/bin:/bin" : path);
                runner.env().forEach((k, v) -> env.put(k, substitute(v, repo, target, work)));
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    return new Result(runner.name(), commands, null, "error", millis(start), output.text(), output.total(), output.truncated(),
                            "cannot start " + argv.getFirst() + ": " + e.getMessage() + " (runner '" + runner.name() + "')");
                }
                p.getOutputStream().close();
                Thread reader = Thread.ofPlatform().daemon().name("hub-test-output").start(() -> output.drain(p.getInputStream()));
                long left = deadline - System.nanoTime();
                boolean done = left > 0 && p.waitFor(left, TimeUnit.NANOSECONDS);
                if (!done) {
                    kill(p);
                    reader.join(2_000);
                    return new Result(runner.name(), commands, null, "timeout", millis(start), output.text(), output.total(), output.truncated(),
                            "timed out after " + runner.timeoutSeconds() + " s: process " + p.pid() + " and its children were killed");
                }
                reader.join(5_000);
                int exit = p.exitValue();
                if (!last && exit != 0) {
                    return new Result(runner.name(), commands, exit, "error", millis(start), output.text(), output.total(), output.truncated(),
                            "step " + (i + 1) + " (" + argv.getFirst() + ") exited " + exit + " before the test ran");
                }
                if (last) {
                    String outcome = runner.outcome(exit);
                    return new Result(runner.name(), commands, exit, outcome, millis(start), output.text(), output.total(), output.truncated(),
                            outcome.equals("error") ? "exit code " + exit + " means neither passed nor failed for runner '" + runner.name() + "'" : null);
                }
            }
            throw new IllegalStateException("runner " + runner.name() + " has no commands");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(runner.name(), commands, null, "error", millis(start), output.text(), output.total(), output.truncated(), "interrupted");
        } catch (IOException e) {
            return new Result(runner.name(), commands, null, "error", millis(start), output.text(), output.total(), output.truncated(), e.getMessage());
        } finally {
            deleteTree(work);
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Placeholders in one command; {@code {java_sources}} as a whole argument becomes several. */
    static List<String> expand(List<String> argv, Path repo, Target target, Path work) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            if (a.equals("{java_sources}")) {
                out.addAll(javaSources(repo, target.testFile()));
            } else {
                out.add(substitute(a, repo, target, work));
            }
        }
        return out;
    }

    static String substitute(String s, Path repo, Target t, Path work) {
        return s.replace("{test_file}", t.testFile())
                .replace("{test_name}", t.testName() == null ? "" : t.testName())
                .replace("{test_id}", t.testId())
                .replace("{test_class}", t.testClass() == null ? "" : t.testClass())
                .replace("{test_method}", t.testMethod() == null ? "" : t.testMethod())
                .replace("{work}", work.toString())
                .replace("{repo}", repo.toString())
                .replace("{java_home}", System.getProperty("java.home"))
                .replace("{m2_repository}", Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    }

    /** The repository's main Java sources (not tests, not .agentfs, not build output) and the test file. */
    static List<String> javaSources(Path repo, String testFile) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(repo)) {
            walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).forEach(p -> {
                String rel = repo.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith(".") || rel.contains("/.") || rel.startsWith("target/") || rel.contains("src/test/")) {
                    return;
                }
                out.add(rel);
            });
        }
        out.sort(null);
        if (!out.contains(testFile)) {
            out.add(testFile);
        }
        return out;
    }

    private static long millis(Instant start) {
        return Duration.between(start, Instant.now()).toMillis();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover work directory under .agentfs/tests/work is harmless
        }
    }

    /** Merged output, keeping the last {@code cap} bytes. */
    static final class Output {
        private final int cap;
        private final byte[] ring;
        private long total;

        Output(int cap) {
            this.cap = cap;
            this.ring = new byte[cap];
        }

        void drain(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            ring[(int) (total % cap)] = buf[i];
                            total++;
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed: what was read is kept
            }
        }

        synchronized long total() {
            return total;
        }

        synchronized boolean truncated() {
            return total > cap;
        }

        synchronized String text() {
            if (total <= cap) {
                return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
            }
            int at = (int) (total % cap);
            byte[] out = new byte[cap];
            System.arraycopy(ring, at, out, 0, cap - at);
            System.arraycopy(ring, 0, out, cap - at, at);
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
