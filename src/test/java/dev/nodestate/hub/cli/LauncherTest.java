package dev.nodestate.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real ./hub launcher, as a process. (Building and running the jar is what CI's own run exercises.) */
class LauncherTest {

    private static Process launch(List<String> args, String javaHome, String jdkDirs) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(args).directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(false);
        if (javaHome == null) {
            pb.environment().remove("JAVA_HOME");
        } else {
            pb.environment().put("JAVA_HOME", javaHome);
        }
        pb.environment().put("HUB_JDK_DIRS", jdkDirs);
        return pb.start();
    }

    @Test
    void withoutAJdk25TheLauncherSaysWhatToInstallAndExitsFive() throws Exception {
        Process p = launch(List.of("./hub", "--version"), "/usr/lib/jvm/java-17-openjdk-amd64", "/nonexistent");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(5, p.waitFor());
        assertTrue(err.contains("needs a JDK 25 or newer"), err);
        assertTrue(err.contains("install Temurin 25"), err);
    }

    @Test
    void theLauncherFindsAJdk25UnderTheJvmDirectoryWhenJavaHomeIsOlder() throws Exception {
        Process p = launch(List.of("./hub", "--jdk"), "/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/*");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        String release = Files.readString(Path.of(out, "release"));
        assertTrue(release.matches("(?s).*JAVA_VERSION=\"(2[5-9]|[3-9]\\d).*"), release);
    }

    @TempDir
    Path home;

    /** A hub home with the real launcher and a jar of the compiled classes (dependencies by the manifest's Class-Path). */
    private void writeJar(String marker) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.nodestate.hub.cli.Main");
        List<String> deps = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                deps.add(Path.of(entry).toUri().toString());
            }
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", deps));
        Files.createDirectories(home.resolve("target"));
        Path classes = Path.of("target/classes");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(home.resolve("target/hub.jar")), m);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
            jar.putNextEntry(new JarEntry("build-marker.txt"));
            jar.write(marker.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run hub(String... args) throws Exception {
        return hubWith(Map.of(), args);
    }

    private Run hubWith(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("hub").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("HUB_JAVA_OPTS");
        pb.environment().remove("HUB_AOT");
        pb.environment().remove("HUB_DAEMON_GC");
        pb.environment().putAll(env);
        pb.redirectError(home.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        return new Run(code, out, Files.readString(home.resolve("err.txt")));
    }

    private List<Path> caches() throws IOException {
        Path dir = home.resolve("target/aot");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
        }
    }

    @Test
    void the_launcher_makes_an_aot_cache_once_per_jar_uses_it_remakes_it_after_a_rebuild_and_runs_without_a_broken_one()
            throws Exception {
        Files.copy(Path.of("hub"), home.resolve("hub"));
        home.resolve("hub").toFile().setExecutable(true);
        writeJar("one");
        Run first = hub("--version");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("hub "), first.out());
        assertTrue(first.err().contains("making the start-up cache"), first.err());
        List<Path> made = caches();
        assertEquals(1, made.size(), "one cache: " + made + "\n" + first.err());

        Run second = hub("--version");
        assertEquals(0, second.code(), second.err());
        assertEquals(first.out(), second.out());
        assertEquals("", second.err(), "the second start uses the cache without a word");
        assertEquals(made, caches());

        Thread.sleep(1100); // a rebuilt jar: new content and mtime
        writeJar("two");
        Run rebuilt = hub("--version");
        assertEquals(0, rebuilt.code(), rebuilt.err());
        assertTrue(rebuilt.err().contains("making the start-up cache"), "a new jar gets a new cache: " + rebuilt.err());
        assertTrue(!rebuilt.err().toLowerCase().contains("warning") && !rebuilt.err().toLowerCase().contains("mismatch"), rebuilt.err());
        List<Path> now = caches();
        assertEquals(1, now.size(), "the old jar's cache is gone: " + now);
        assertTrue(!now.equals(made), "a different cache file for the new jar");

        Files.writeString(now.getFirst(), "not an AOT cache");
        Run broken = hub("--version");
        assertEquals(0, broken.code(), "a damaged cache is not fatal: " + broken.err());
        assertEquals(first.out(), broken.out(), "nothing of it on stdout");
        assertTrue(broken.err().contains("is damaged") && broken.err().contains("making the start-up cache"), broken.err());
        assertEquals("f00baba2", String.format("%08x", java.nio.ByteBuffer.wrap(Files.readAllBytes(now.getFirst()), 0, 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()), "made again");

        Files.writeString(home.resolve("target/aot/" + now.getFirst().getFileName().toString().replace(".aot", ".failed")), "");
        Files.delete(now.getFirst());
        Run without = hub("--version");
        assertEquals(0, without.code(), without.err());
        assertEquals(first.out(), without.out(), "where no cache can be made the hub runs without one");
        assertEquals("", without.err(), "and does not try again on every start");
    }

    @Test
    void the_daemon_commands_run_on_zgc_with_their_own_aot_cache_and_one_shot_commands_keep_theirs() throws Exception {
        Files.copy(Path.of("hub"), home.resolve("hub"));
        home.resolve("hub").toFile().setExecutable(true);
        writeJar("one");
        Run oneShot = hub("--version");
        assertEquals(0, oneShot.code(), oneShot.err());
        Run daemon = hub("serve", "--help");
        assertEquals(0, daemon.code(), daemon.err());
        assertTrue(daemon.out().contains("Usage: hub serve"), daemon.out());
        assertTrue(daemon.err().contains("making the start-up cache"), "the daemon's collector needs its own cache: " + daemon.err());
        List<String> names = caches().stream().map(f -> f.getFileName().toString().replaceAll("-[0-9a-f]{16}\\.aot$", "")).sorted().toList();
        assertEquals(List.of("hub-g1", "hub-zgc"), names, caches().toString());

        assertEquals("", hub("--version").err(), "the one-shot cache survived the daemon's");
        assertEquals("", hub("watch", "--help").err(), "watch shares the daemon's cache");
        Run g1 = hubWith(Map.of("HUB_DAEMON_GC", ""), "serve", "--help");
        assertEquals(0, g1.code(), g1.err());
        assertEquals("", g1.err(), "HUB_DAEMON_GC= runs the daemon on G1, with the one-shot cache");
        assertEquals(2, caches().size(), caches().toString());
    }
}
