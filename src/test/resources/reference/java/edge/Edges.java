/*
 * Corner cases for JavaReferenceTest: javadoc and annotations above members, modifiers split
 * over lines, generics and varargs, overloads, nested and inner types, interfaces with default
 * and static methods, enums with constructors and constant bodies, records with compact and
 * extra constructors, annotation types with members, local and anonymous classes.
 */
package edge;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Javadoc for the outer class. */
@SuppressWarnings("unused")
public final class Edges<T extends Comparable<? super T>> implements Comparable<Edges<T>> {

    /** A javadoc above two annotations. */
    @Deprecated
    @SuppressWarnings({"rawtypes", "unchecked"})
    public
    static <K, V extends List<K>> Map<K, V> generic(final Map<K, ? extends V> m, int[]... rest)
            throws IOException, IllegalStateException {
        return null;
    }

    // a line comment, not javadoc
    Edges() {
    }

    Edges(java.util.Map.Entry<String, Integer> e) { }

    @Override public int compareTo(Edges<T> o) { return 0; }

    void overloaded(int a) { }

    void overloaded(Integer a) { }

    void overloaded(List<String> a, String... more) { }

    void arrays(int[][] grid, @Deprecated final Map<String, int[]>[] maps) { }

    abstract static class Inner {
        abstract void run();

        class Deeper {
            Deeper(int x) { }
        }
    }

    interface Api {
        void plain();

        default String withDefault() {
            return "";
        }

        static Api of() {
            return null;
        }
    }

    sealed interface Shape permits Square, Circle { }

    static final class Square implements Shape { }

    static non-sealed class Circle implements Shape { }

    enum Op implements Api {
        PLUS("+") {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        /** A constant with a javadoc and a body. */
        @Deprecated
        MINUS("-") {
            int apply(int a, int b) {
                return a > b ? a - b : b - a;
            }
        },
        NOOP("0");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        int apply(int a, int b) {
            return a;
        }

        public void plain() { }
    }

    /**
     * A record.
     */
    record Point(int x, @Deprecated int y, List<String>... tags) implements Api {
        static final Point ORIGIN = new Point(0, 0);

        Point {
            if (x < 0 || y < 0) {
                throw new IllegalArgumentException();
            }
        }

        Point(int x) {
            this(x, 0);
        }

        public void plain() { }

        record Nested<A>(A a) { }
    }

    @interface Marker {
        String value() default "";

        int[] numbers() default { };

        Class<?> type();
    }

    void withLocal() {
        class Local {
            void hidden() { }
        }
        Runnable r = new Runnable() {
            public void run() { }
        };
    }
}

interface Second<T> extends Comparable<T>, java.io.Serializable {
    <R> R map(java.util.function.Function<? super T, ? extends R> f) throws Exception;
}
