package dev.nodestate.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
