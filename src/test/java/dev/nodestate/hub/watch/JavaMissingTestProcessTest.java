package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Demo 3 for Java on real code (commons-lang3's {@code BitField}, from the sources the build fetches into
 * target/reference/): under {@code hub watch} a method added with no test gets a JUnit 5 skeleton under
 * .agentfs/tests/src/test/java/..., which compiles under javac and runs through the JUnit console launcher; with
 * {@code hub test-skeleton --write} the same test goes into the repository's src/test/java and runs through the
 * repository's own pom with Maven offline ({@code -Dtest=Class#method}); an existing file is never overwritten.
 */
class JavaMissingTestProcessTest {

    private static final Path SOURCE = Path.of("target/reference/commons-lang3/org/apache/commons/lang3/BitField.java");
    private static final Path LAUNCHER = Path.of(System.getProperty("user.home"), ".m2/repository/org/junit/platform/"
            + "junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar");
    private static final String FILE = "src/main/java/org/apache/commons/lang3/BitField.java";
    private static final String NODE = FILE + "::BitField.isAllSet(int)";
    private static final String SKELETON = ".agentfs/tests/src/test/java/org/apache/commons/lang3/BitFieldTest.java";
    private static final String IN_REPO = "src/test/java/org/apache/commons/lang3/BitFieldTest.java";

    private static final String POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>demo</groupId>
              <artifactId>bitfield</artifactId>
              <version>1</version>
              <properties>
                <maven.compiler.release>17</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencies>
                <dependency>
                  <groupId>org.junit.jupiter</groupId>
                  <artifactId>junit-jupiter</artifactId>
                  <version>5.14.1</version>
                  <scope>test</scope>
                </dependency>
              </dependencies>
              <build>
                <plugins>
                  <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                  <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                  <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
                </plugins>
              </build>
            </project>
            """;

    @TempDir
    Path repo;

    private final ObjectMapper json = new ObjectMapper();

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), out);
    }

    private List<JsonNode> runs() throws IOException {
        Path file = repo.resolve(".agentfs/traces/tests.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                out.add(json.readTree(l));
            }
        }
        return out;
    }

    private void awaitRuns(int n, HubProcess hub) throws Exception {
        long end = System.nanoTime() + 240_000_000_000L;
        while (runs().size() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError(n + " test runs did not happen within 240 s; hub stderr:\n" + hub.stderr());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aMethodAddedWithNoTestGetsAJUnitSkeletonThatCompilesAndRunsThroughTheConsoleLauncherAndTheReposMaven() throws Exception {
        assumeTrue(Files.isRegularFile(SOURCE), "commons-lang3 sources are fetched by the build into " + SOURCE);
        assumeTrue(Files.isRegularFile(LAUNCHER), "the JUnit console launcher is fetched by .ci/run into " + LAUNCHER);
        String real = Files.readString(SOURCE);
        int start = real.indexOf("    /**\n     * Returns whether all of the bits are set or not.");
        int end = real.indexOf("    }\n", real.indexOf("public boolean isAllSet(final int holder)")) + 6;
        assertTrue(start > 0 && end > start, "BitField.isAllSet is where this test expects it");
        Path file = repo.resolve(FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, real.substring(0, start) + real.substring(end)); // the class without isAllSet
        Files.writeString(repo.resolve("pom.xml"), POM);
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            Files.writeString(file, real); // isAllSet comes back: a method added with no test
            awaitRuns(1, hub);

            String skeleton = Files.readString(repo.resolve(SKELETON));
            assertTrue(skeleton.startsWith("package org.apache.commons.lang3;\n"), skeleton);
            assertTrue(skeleton.contains("class BitFieldTest {"), skeleton);
            assertTrue(skeleton.contains("BitField subject = new BitField(1);"), "the constructor's arguments from its types:\n" + skeleton);
            assertTrue(skeleton.contains("var result = subject.isAllSet(1);"), skeleton);
            assertTrue(skeleton.contains("// TODO(hub): replace `expected`"), skeleton);
            Path classes = Files.createTempDirectory("skeleton-classes");
            Run javac = run(repo, List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "-d", classes.toString(),
                    "-cp", LAUNCHER.toString(), FILE, SKELETON));
            assertEquals(0, javac.exit(), "the skeleton compiles under javac:\n" + javac.output());

            JsonNode first = runs().getFirst();
            assertEquals(NODE, first.path("node").asText());
            assertEquals("junit-console", first.path("runner").asText(), "no pom test directory holds it: javac + console launcher");
            assertEquals("org.apache.commons.lang3.BitFieldTest#isAllSet", first.path("test_id").asText());
            assertEquals("passed", first.path("outcome").asText(), first.toString());
            assertTrue(first.path("output_excerpt").asText().contains("1 tests successful"), first.toString());
            assertTrue(first.path("command").path(1).toString().contains("--select-method=org.apache.commons.lang3.BitFieldTest#isAllSet"));
            String page = Files.readString(repo.resolve(".agentfs/nodes/" + FILE + "/BitField.isAllSet(int).md"));
            assertTrue(page.contains("- skeleton: `" + SKELETON + "`") && page.contains("- last run: **passed**"), page);

            // --write: into the repository's src/test/java, run by the repository's Maven offline
            Run write = run(repo, HubProcess.command("test-skeleton", "isAllSet", "--write"));
            assertEquals(0, write.exit(), write.output());
            assertTrue(Files.readString(repo.resolve(IN_REPO)).contains("void isAllSet()"));
            Run again = run(repo, HubProcess.command("test-skeleton", NODE, "--write"));
            assertEquals(1, again.exit(), again.output());
            assertTrue(again.output().contains("has a test by naming convention")
                    || again.output().contains("exists and is never overwritten"), again.output());
            Run maven = run(repo, HubProcess.command("run", "run_single_test", NODE, "test_id=" + IN_REPO + "#isAllSet"));
            assertEquals(0, maven.exit(), maven.output());
            JsonNode second = runs().get(1);
            assertEquals("maven", second.path("runner").asText(), second.toString());
            assertTrue(second.path("command").path(0).toString().contains("-Dtest=org.apache.commons.lang3.BitFieldTest#isAllSet"), second.toString());
            assertEquals("passed", second.path("outcome").asText(), second.toString());
            int exit = hub.terminate();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + hub.stderr());
        }
    }
}
