package dev.nodestate.hub.lang;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.DataKey;
import com.github.javaparser.ast.Node;
import com.github.javaparser.resolution.cache.Cache;
import com.github.javaparser.resolution.cache.CacheStats;
import com.github.javaparser.symbolsolver.cache.DefaultCacheStats;
import com.github.javaparser.symbolsolver.javaparsermodel.JavaParserFacade;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed compilation units of a repository's Java files, by absolute path, each with the text it
 * was parsed from. It is also the parsed-file cache of every {@code JavaParserTypeSolver}, so the
 * solver and {@link JavaReferences} share one tree per file; a miss reads and parses the file from
 * disk. Only files that exist are kept. Not thread-safe: {@link JavaReferences} holds its lock.
 */
final class ParsedSources implements Cache<Path, Optional<CompilationUnit>> {

    record Parsed(String text, ParseResult<CompilationUnit> result) {
        Optional<CompilationUnit> unit() {
            return result.getResult().filter(u -> result.isSuccessful());
        }
    }

    private final JavaParser parser;
    private final Map<Path, Parsed> files = new HashMap<>();

    ParsedSources(JavaParser parser) {
        this.parser = parser;
    }

    /** The file's tree for {@code text}: the cached one when the text is the same, else a new parse. */
    Parsed parse(Path file, String text) {
        Parsed p = files.get(file);
        if (p != null && p.text().equals(text)) {
            return p;
        }
        ParseResult<CompilationUnit> result = parser.parse(text);
        result.getResult().ifPresent(u -> u.setStorage(file, StandardCharsets.UTF_8));
        p = new Parsed(text, result);
        files.put(file, p);
        return p;
    }

    Optional<Parsed> cached(Path file) {
        return Optional.ofNullable(files.get(file));
    }

    /** The cached parse, or the file read and parsed now; empty when it is not a readable file. */
    Optional<Parsed> load(Path file) {
        Parsed p = files.get(file);
        if (p != null) {
            return Optional.of(p);
        }
        if (!file.toString().endsWith(".java") || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(file, Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) { // unreadable or not UTF-8: the solver sees no file
            return Optional.empty();
        }
    }

    List<CompilationUnit> units() {
        List<CompilationUnit> out = new ArrayList<>();
        files.values().forEach(p -> p.unit().ifPresent(out::add));
        return out;
    }

    /**
     * Drops the types the symbol solver stored on the nodes of every cached tree
     * ({@code JavaParserFacade}'s private data keys, recognised by their declaring class): they may
     * point at declarations of a file that changed.
     */
    void forgetResolvedTypes() {
        for (CompilationUnit unit : units()) {
            unit.walk(n -> {
                for (DataKey<?> key : List.copyOf(n.getDataKeys())) {
                    if (key.getClass().getEnclosingClass() == JavaParserFacade.class) {
                        n.removeData(key);
                    }
                }
            });
        }
    }

    // the Cache view for JavaParserTypeSolver: a get always answers, from the map or from disk

    @Override
    public void put(Path key, Optional<CompilationUnit> value) {
        // the solver puts what it got from get (or its own parse of a file get could not read): nothing to keep
    }

    @Override
    public Optional<Optional<CompilationUnit>> get(Path key) {
        return Optional.of(load(key.normalize()).flatMap(Parsed::unit));
    }

    @Override
    public void remove(Path key) {
        files.remove(key.normalize());
    }

    @Override
    public void removeAll() {
        files.clear();
    }

    @Override
    public boolean contains(Path key) {
        return files.containsKey(key.normalize());
    }

    @Override
    public long size() {
        return files.size();
    }

    @Override
    public boolean isEmpty() {
        return files.isEmpty();
    }

    @Override
    public CacheStats stats() {
        return new DefaultCacheStats();
    }

    /** A plain map as a solver cache, so that {@link JavaReferences#changed} can empty it. */
    static final class MapCache<K, V> implements Cache<K, V> {
        private final Map<K, V> map = new HashMap<>();

        @Override
        public void put(K key, V value) {
            map.put(key, value);
        }

        @Override
        public Optional<V> get(K key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public void remove(K key) {
            map.remove(key);
        }

        @Override
        public void removeAll() {
            map.clear();
        }

        @Override
        public boolean contains(K key) {
            return map.containsKey(key);
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public CacheStats stats() {
            return new DefaultCacheStats();
        }
    }
}
