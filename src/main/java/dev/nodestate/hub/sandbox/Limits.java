package dev.nodestate.hub.sandbox;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-run limits of a tool: an allocation budget, wall time and Python recursion depth.
 *
 * <p>Header syntax in a tool (first comment lines): {@code # limits: strict},
 * {@code # limits: memory=32MB time=1.5s recursion=300} or a preset followed by overrides,
 * {@code # limits: default, time=3s}. Units: memory in B, KB, MB, GB (powers of 1024);
 * time in ms or s.
 */
public record Limits(long memoryBytes, Duration time, int recursion) {

    public static final Limits STRICT = new Limits(8L << 20, Duration.ofMillis(500), 120);
    public static final Limits DEFAULT = new Limits(16L << 20, Duration.ofSeconds(2), 200);
    public static final Limits PERMISSIVE = new Limits(64L << 20, Duration.ofSeconds(5), 400);

    /** The host's ceiling when the user sets none: above every shipped tool's header (1 GB / 120 s / 400). */
    public static final Limits DEFAULT_CEILING = new Limits(2L << 30, Duration.ofSeconds(300), 1000);

    /**
     * The user's ceiling on any tool's limits: {@code -Dhub.limits.ceiling=SPEC} or {@code HUB_LIMITS_CEILING=SPEC}
     * (same syntax as a header, e.g. {@code memory=512MB time=30s recursion=500}), else {@link #DEFAULT_CEILING}.
     * Tools cannot set either: they have no environment access and run after the host read it.
     */
    public static Limits ceiling() {
        String spec = System.getProperty("hub.limits.ceiling", System.getenv("HUB_LIMITS_CEILING"));
        if (spec == null || spec.isBlank()) {
            return DEFAULT_CEILING;
        }
        try {
            return parse(spec, DEFAULT_CEILING); // values not given keep the default ceiling
        } catch (IllegalArgumentException e) {
            throw new dev.nodestate.hub.HubException(dev.nodestate.hub.HubException.ExitCode.USAGE,
                    "HUB_LIMITS_CEILING / hub.limits.ceiling: " + e.getMessage());
        }
    }

    /** True when any of these limits is above the same limit of {@code ceiling}. */
    public boolean exceeds(Limits ceiling) {
        return memoryBytes > ceiling.memoryBytes || time.compareTo(ceiling.time) > 0 || recursion > ceiling.recursion;
    }

    private static final Pattern SETTING = Pattern.compile("(memory|time|recursion)\\s*=\\s*([0-9.]+)\\s*([a-zA-Z]*)");

    public Limits {
        if (memoryBytes <= 0 || time.isNegative() || time.isZero() || recursion <= 0) {
            throw new IllegalArgumentException("limits must be positive, got " + describe(memoryBytes, time, recursion));
        }
    }

    /** The stricter of each limit, so a caller can only tighten what a tool declares. */
    public Limits tighten(Limits other) {
        return new Limits(Math.min(memoryBytes, other.memoryBytes),
                time.compareTo(other.time) <= 0 ? time : other.time,
                Math.min(recursion, other.recursion));
    }

    public static Limits preset(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "strict" -> STRICT;
            case "default" -> DEFAULT;
            case "permissive" -> PERMISSIVE;
            default -> throw new IllegalArgumentException(
                    "unknown limits preset '" + name.trim() + "'; use strict, default or permissive");
        };
    }

    /** Parses the text after {@code limits:}; throws IllegalArgumentException naming the bad part. */
    public static Limits parse(String spec) {
        return parse(spec, DEFAULT);
    }

    private static Limits parse(String spec, Limits base) {
        Limits result = base;
        String rest = spec.trim();
        String[] parts = rest.split("[,\\s]+");
        if (parts.length > 0 && !parts[0].isEmpty() && !parts[0].contains("=")) {
            result = preset(parts[0]);
            rest = rest.substring(parts[0].length());
        }
        rest = rest.replaceFirst("^[,\\s]+", "");
        Matcher m = SETTING.matcher(rest);
        int end = 0;
        while (m.find()) {
            if (!rest.substring(end, m.start()).replaceAll("[,\\s]", "").isEmpty()) {
                break;
            }
            end = m.end();
            double value = Double.parseDouble(m.group(2));
            String unit = m.group(3).toLowerCase(Locale.ROOT);
            result = switch (m.group(1)) {
                case "memory" -> new Limits(bytes(value, unit), result.time, result.recursion);
                case "time" -> new Limits(result.memoryBytes, duration(value, unit), result.recursion);
                default -> {
                    if (!unit.isEmpty()) {
                        throw new IllegalArgumentException("recursion takes a plain number of frames, got '" + m.group() + "'");
                    }
                    yield new Limits(result.memoryBytes, result.time, (int) value);
                }
            };
        }
        String leftover = rest.substring(end).replaceAll("^[,\\s]+", "");
        if (!leftover.isEmpty()) {
            throw new IllegalArgumentException("cannot read '" + leftover
                    + "'; write a preset (strict, default, permissive) and/or memory=16MB time=2s recursion=200");
        }
        return result;
    }

    private static long bytes(double value, String unit) {
        long factor = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1L << 10;
            case "m", "mb" -> 1L << 20;
            case "g", "gb" -> 1L << 30;
            default -> throw new IllegalArgumentException("unknown memory unit '" + unit + "'; use B, KB, MB or GB");
        };
        return (long) (value * factor);
    }

    private static Duration duration(double value, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofNanos((long) (value * 1_000_000));
            case "", "s" -> Duration.ofNanos((long) (value * 1_000_000_000));
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "'; use ms or s");
        };
    }

    @Override
    public String toString() {
        return describe(memoryBytes, time, recursion);
    }

    private static String describe(long memoryBytes, Duration time, int recursion) {
        String memory = memoryBytes % (1L << 20) == 0 ? (memoryBytes >> 20) + " MB" : memoryBytes + " B";
        return memory + " / " + time.toMillis() + " ms / " + recursion + " frames";
    }
}
