package dev.nodestate.hub.lang;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.javaparser.JavaParser;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.stmt.ExplicitConstructorInvocationStmt;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedConstructorDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedMethodLikeDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedReferenceTypeDeclaration;
import com.github.javaparser.resolution.model.SymbolReference;
import com.github.javaparser.symbolsolver.JavaSymbolSolver;
import com.github.javaparser.symbolsolver.javaparsermodel.JavaParserFacade;
import com.github.javaparser.symbolsolver.resolution.typesolvers.CombinedTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.JavaParserTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.ReflectionTypeSolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The calls a Java file makes, each resolved to the node it calls: the data behind callers and
 * callees, handed to .pym tools through the {@code java_references} external.
 *
 * <p>A call is a method call, {@code new T(..)} (anonymous classes included) or an explicit
 * {@code this(..)} / {@code super(..)}; method references ({@code Foo::bar}) are not calls here. It
 * belongs to the node that contains it, named as {@code tools/extract_java.pym} names nodes (see
 * {@link JavaNames}): the enclosing method or constructor (also for code in lambdas and local or
 * anonymous classes), else the enclosing type (field initializers, initializer blocks, enum
 * constant arguments), else {@code ""} (the module).
 *
 * <p>Each call goes first to JavaParser's symbol solver: JDK types by reflection and one
 * {@link JavaParserTypeSolver} per source root of the repository (derived from each file's package
 * declaration; hidden directories, {@code target}, {@code build}, {@code out} and
 * {@code node_modules} are not searched). A declaration in the repository becomes its node id
 * ({@code how = solved}); a default constructor, an implicit record constructor or an enum's
 * {@code values()} point at their type's node, a method of a local or anonymous class at the member
 * containing it, and {@code new T() { .. }} (an anonymous class) at the type {@code T} (or its
 * qualified name, external, for a JDK type). A JDK declaration is {@code external}, with its
 * qualified signature. An answer that contradicts the argument types the solver itself knows (see
 * {@link CallCollector}: widened primitive arrays, bounded type variables, {@code super.m()} solved
 * to the caller's own class) is discarded.
 *
 * <p>When the solver fails or is discarded (a library missing from the classpath, an unsupported
 * construct, a solver bug) the call falls back to name and arity over the repository's methods and
 * constructors ({@link CallableIndex}): one candidate wins; several are narrowed to the type the
 * call's scope names ({@code StringUtils.isEmpty(x)}) or has ({@code style.append(..)}), to the
 * superclass for {@code super.m(..)}, else to the calling file, and then to the overloads whose
 * parameters take the primitive arguments exactly; what stays ambiguous or finds nothing is
 * {@code unresolved}.
 *
 * <p>Cost: the first call (or {@link #load}) scans the repository and parses every Java file once
 * (the fallback index needs them all). The trees are kept ({@link ParsedSources}) and are the
 * symbol solver's own parsed-file cache. Results are kept per path and text until the next change.
 *
 * <p>{@link #changed} evicts per file; it does not rebuild the solvers. It drops the file's tree and
 * its fallback entries (re-reading the file if it still exists, and adding a solver for a source
 * root it introduces); and, because other files' cached resolutions may point into the changed
 * file or miss a type it now declares, it empties the solvers' type-name caches, strips the
 * resolved types JavaParser stored on the cached trees (a walk of every tree: 0.3-0.7 s for
 * commons-lang3 on a busy 2-core machine) and drops every cached result. A text given to
 * {@link #references} that differs from the one last seen for its path counts as such a change.
 *
 * <p>Thread-safe by one lock: JavaParser and its solver are not, so callers on several threads
 * take turns.
 */
public final class JavaReferences {

    /** Directory names never searched for sources, besides hidden ones. */
    static final Set<String> SKIPPED_DIRS = Set.of("target", "build", "node_modules", "out");
    static final int TEXT_LIMIT = 120;
    static final int RESULT_CACHE = 64;

    private final Path root;
    private final Object lock = new Object();
    private final Map<String, Result> results = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
            return size() > RESULT_CACHE;
        }
    };
    private record Result(String source, ObjectNode references) {
    }

    // built on first use, under the lock
    private CombinedTypeSolver solver;
    private JavaParser parser;
    private ParsedSources sources;
    private final ParsedSources.MapCache<Path, List<CompilationUnit>> directories = new ParsedSources.MapCache<>();
    private final List<ParsedSources.MapCache<String, ?>> typeCaches = new ArrayList<>();
    private final Set<Path> sourceRoots = new TreeSet<>();
    private final CallableIndex index = new CallableIndex();

    /** Cheap: nothing is read until the first {@link #references} call. */
    public JavaReferences(Path repo) {
        try {
            this.root = repo.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("repository " + repo + " cannot be read", e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The calls in {@code source}, the text of {@code path} (repo-relative):
     * {@code {"calls": {owner: [call...]}, "counts": {...}, "error": null | "syntax error: line N: ..."}}.
     * The returned object is shared; do not modify it.
     */
    public ObjectNode references(String path, String source) {
        synchronized (lock) {
            Result cached = results.get(path);
            if (cached != null && cached.source().equals(source)) {
                return cached.references();
            }
            start();
            Path file = root.resolve(path).normalize();
            Optional<ParsedSources.Parsed> before = sources.cached(file);
            ParsedSources.Parsed parsed = sources.parse(file, source);
            if (before.isEmpty() || before.get() != parsed) {
                // a new or edited file we were not told of: as if changed(path) had been called
                results.clear();
                forgetCrossFileState();
                index.remove(relative(file));
                parsed.unit().ifPresent(u -> add(file, u));
            }
            ObjectNode out = new CallCollector(this, relative(file), parsed).collect();
            results.put(path, new Result(source, out));
            return out;
        }
    }

    /**
     * Tells the index that {@code path} (repo-relative or absolute) was created, edited or deleted.
     * Call it for every changed .java file before asking for references again.
     */
    public void changed(String path) {
        synchronized (lock) {
            results.clear();
            if (solver == null) {
                return;
            }
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root)) {
                return; // not ours
            }
            sources.remove(file);
            index.remove(relative(file));
            forgetCrossFileState();
            sources.load(file).flatMap(ParsedSources.Parsed::unit).ifPresent(u -> add(file, u));
        }
    }

    /** Scans and parses the repository now, if not done yet; otherwise the first {@link #references} call does. */
    public void load() {
        synchronized (lock) {
            start();
        }
    }

    /** Number of repository callables in the fallback index (0 before first use). */
    public int indexedCallables() {
        synchronized (lock) {
            return index.size();
        }
    }

    private void forgetCrossFileState() {
        directories.removeAll();
        typeCaches.forEach(ParsedSources.MapCache::removeAll);
        sources.forgetResolvedTypes();
    }

    private void start() {
        if (solver != null) {
            return;
        }
        ParsedSources.MapCache<String, SymbolReference<ResolvedReferenceTypeDeclaration>> combinedCache =
                new ParsedSources.MapCache<>();
        typeCaches.add(combinedCache);
        solver = new CombinedTypeSolver(CombinedTypeSolver.ExceptionHandlers.IGNORE_ALL, List.of(new ReflectionTypeSolver()), combinedCache);
        parser = new JavaParser(new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25)
                .setAttributeComments(false)
                .setSymbolResolver(new JavaSymbolSolver(solver)));
        sources = new ParsedSources(parser);
        for (Path file : javaFiles()) {
            sources.load(file).flatMap(ParsedSources.Parsed::unit).ifPresent(u -> add(file, u));
        }
    }

    /** Indexes a parsed file and adds a solver for its source root if it is a new one. */
    private void add(Path file, CompilationUnit unit) {
        index.put(relative(file), unit);
        Path dir = file.getParent();
        String pkg = unit.getPackageDeclaration().map(p -> p.getNameAsString()).orElse("");
        Path sourceRoot = dir;
        if (!pkg.isEmpty()) {
            Path pkgPath = Path.of(pkg.replace('.', '/'));
            if (!dir.endsWith(pkgPath)) {
                return; // misplaced: indexed for the fallback, but no root to solve from
            }
            for (int i = 0; i < pkgPath.getNameCount(); i++) {
                sourceRoot = sourceRoot.getParent();
            }
        }
        if (sourceRoot.startsWith(root) && sourceRoots.add(sourceRoot)) {
            ParsedSources.MapCache<String, SymbolReference<ResolvedReferenceTypeDeclaration>> found =
                    new ParsedSources.MapCache<>();
            typeCaches.add(found);
            solver.add(new JavaParserTypeSolver(sourceRoot, parser, sources, directories, found), true);
        }
    }

    private List<Path> javaFiles() {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    boolean skip = !dir.equals(root) && (name.startsWith(".") || SKIPPED_DIRS.contains(name));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".java")) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: not part of the index
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the Java files of " + root, e);
        }
        files.sort(null);
        return files;
    }

    String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    JavaParserFacade facade() {
        return JavaParserFacade.get(solver);
    }

    CallableIndex index() {
        return index;
    }

    /** The node id of a declaration in the repository, empty when it lies outside (JDK). */
    Optional<String> nodeId(ResolvedMethodLikeDeclaration d) {
        Optional<Node> ast = d.toAst();
        if (ast.isEmpty()) { // implicit: a default or canonical record constructor, an enum's values()
            try {
                ast = d.declaringType().toAst();
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            // the solver does not take a compact constructor for the canonical one; the extractor names it
            if (d instanceof ResolvedConstructorDeclaration && ast.orElse(null) instanceof RecordDeclaration r) {
                Optional<CompactConstructorDeclaration> compact = r.getMembers().stream()
                        .filter(CompactConstructorDeclaration.class::isInstance).map(CompactConstructorDeclaration.class::cast).findFirst();
                if (compact.isPresent() && d.getNumberOfParams() == r.getParameters().size()) {
                    ast = Optional.of(compact.get());
                }
            }
        }
        return ast.flatMap(this::nodeId);
    }

    /** The node id of a repository type, else its qualified name (a JDK type), else empty. */
    Optional<CallCollector.Target> typeTarget(ResolvedReferenceTypeDeclaration type) {
        Optional<String> id = type.toAst().flatMap(this::nodeId);
        return Optional.of(id.map(i -> new CallCollector.Target(CallCollector.How.SOLVED, i, null))
                .orElseGet(() -> new CallCollector.Target(CallCollector.How.EXTERNAL, null, type.getQualifiedName())));
    }

    Optional<String> nodeId(Node declaration) {
        return declaration.findCompilationUnit().flatMap(CompilationUnit::getStorage)
                .map(s -> s.getPath().normalize())
                .filter(p -> p.startsWith(root))
                .map(p -> {
                    String owner = JavaNames.owner(declaration);
                    return owner.isEmpty() ? relative(p) : relative(p) + "::" + owner;
                });
    }

    /** The simple name of the type a constructor call creates, or {@code super(..)} calls. */
    static String constructorName(Node call) {
        return switch (call) {
            case ObjectCreationExpr o -> o.getType().getNameAsString();
            case ExplicitConstructorInvocationStmt s -> {
                Optional<TypeDeclaration> type = s.findAncestor(TypeDeclaration.class);
                if (s.isThis()) {
                    yield type.map(t -> t.getNameAsString()).orElse("this");
                }
                yield superclassName(s);
            }
            default -> throw new IllegalArgumentException("not a constructor call: " + call);
        };
    }

    /** The simple name of the superclass of the class around {@code n}, as its extends clause writes it. */
    static String superclassName(Node n) {
        return n.findAncestor(ClassOrInterfaceDeclaration.class)
                .flatMap(c -> c.getExtendedTypes().getFirst())
                .map(e -> e.getNameAsString()).orElse("Object");
    }

    /** A scope that names a type by its simple name, as in {@code StringUtils.isEmpty(x)}. */
    static Optional<String> typeScope(MethodCallExpr call) {
        return call.getScope().filter(NameExpr.class::isInstance).map(s -> ((NameExpr) s).getNameAsString())
                .filter(n -> Character.isUpperCase(n.charAt(0)));
    }

    static Predicate<CallableIndex.Callable> inType(String simpleName) {
        return c -> c.type().equals(simpleName);
    }
}
