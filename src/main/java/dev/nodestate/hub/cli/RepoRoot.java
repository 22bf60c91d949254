package dev.nodestate.hub.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository a command works on. A path given on the command line is taken as it is; without one
 * (the default, the empty path) the current directory and its parents are searched for the nearest folder
 * holding {@code .agentfs/} (a repository the hub already knows) or a VCS root ({@code .git}, {@code .hg},
 * {@code .svn}), so running from a subfolder finds its repository. With neither, the current directory.
 */
final class RepoRoot {

    private static final String[] MARKERS = {".agentfs", ".git", ".hg", ".svn"};

    private RepoRoot() {
    }

    /** {@code given} made absolute, or for the default empty path the nearest repository above the current directory. */
    static Path of(Path given) {
        if (!given.toString().isEmpty()) {
            return given.toAbsolutePath().normalize();
        }
        return search(Path.of("").toAbsolutePath().normalize());
    }

    /** The nearest folder from {@code start} upwards holding a marker, else {@code start}. */
    static Path search(Path start) {
        // .agentfs/ wins over a VCS root below it only by being nearer; the first folder with any marker is the answer
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            for (String marker : MARKERS) {
                if (Files.exists(dir.resolve(marker))) {
                    return dir;
                }
            }
        }
        return start;
    }
}
