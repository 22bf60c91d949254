package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.sandbox.Finding;
import dev.nodestate.hub.sandbox.Limits;
import dev.nodestate.hub.sandbox.Sandbox;
import dev.nodestate.hub.tool.PymTool.ExternalSpec;
import dev.nodestate.hub.tool.PymTool.InputSpec;
import dev.nodestate.hub.tool.PymTool.ParamSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a .pym script and builds its {@link PymTool}. Structural checks (syntax, imports,
 * forbidden names, Input and external shapes, unused declarations) run in the guest with Python's
 * own {@code ast}; the host adds its own: type annotations it can validate (PYM012), Input
 * defaults of the declared type (PYM013), externals the host offers (PYM014) and the limits
 * header (PYM011).
 */
public final class PymChecker {

    private static final Pattern LIMITS = Pattern.compile("^#\\s*limits\\s*:(.*)$", Pattern.MULTILINE);

    private final Sandbox runtime;
    private final Externals offered;

    public PymChecker(Sandbox runtime, Externals offered) {
        this.runtime = runtime;
        this.offered = offered;
    }

    public PymTool check(Path path, String source) {
        String name = path.getFileName().toString().replaceFirst("\\.pym$", "");
        JsonNode outline = runtime.outline(source, path.toString());
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : outline.path("findings")) {
            findings.add(new Finding(f.path("code").asText(), f.path("severity").asText(), f.path("line").asInt(),
                    f.path("column").asInt(), f.path("message").asText(), f.path("suggestion").asText()));
        }
        Limits limits = limits(source, findings);
        List<InputSpec> inputs = new ArrayList<>();
        for (JsonNode in : outline.path("inputs")) {
            int line = in.path("line").asInt();
            TypeSpec type = type(in.path("annotation").asText(null), line, "input '" + in.path("name").asText() + "'", findings);
            boolean hasDefault = in.path("has_default").asBoolean();
            JsonNode def = in.get("default");
            if (type != null && hasDefault && def != null && !type.accepts(def)) {
                findings.add(new Finding("PYM013", "error", line, 1, "default " + def + " of input '"
                        + in.path("name").asText() + "' is not a " + type.describe(), "make the default match the annotation"));
            }
            inputs.add(new InputSpec(in.path("name").asText(), in.path("annotation").asText(null), type, line, hasDefault, def));
        }
        List<ExternalSpec> externals = new ArrayList<>();
        for (JsonNode ex : outline.path("externals")) {
            int line = ex.path("line").asInt();
            String exName = ex.path("name").asText();
            List<ParamSpec> params = new ArrayList<>();
            for (JsonNode p : ex.path("params")) {
                String annotation = p.path("annotation").asText(null);
                TypeSpec t = annotation == null ? null
                        : type(annotation, p.path("line").asInt(line), "parameter '" + p.path("name").asText() + "' of " + exName, findings);
                params.add(new ParamSpec(p.path("name").asText(), annotation, t, p.path("has_default").asBoolean(), p.get("default")));
            }
            String returns = ex.path("returns").asText(null);
            TypeSpec returnType = returns == null ? null : type(returns, line, "return of " + exName, findings);
            if (!offered.names().contains(exName)) {
                findings.add(new Finding("PYM014", "error", line, 1, "the host offers no external '" + exName + "'",
                        "available externals: " + String.join(", ", offered.names())));
            }
            externals.add(new ExternalSpec(exName, line, ex.path("is_async").asBoolean(), List.copyOf(params), returns, returnType));
        }
        findings.sort(Comparator.comparingInt(Finding::line).thenComparing(Finding::code));
        return new PymTool(name, path, source, sha256(source), outline.path("docstring").asText(null),
                List.copyOf(inputs), List.copyOf(externals), limits, List.copyOf(findings));
    }

    private static TypeSpec type(String annotation, int line, String what, List<Finding> findings) {
        if (annotation == null) {
            return null; // the guest already reported the missing annotation
        }
        try {
            return TypeSpec.parse(annotation);
        } catch (IllegalArgumentException e) {
            findings.add(new Finding("PYM012", "error", line, 1, what + ": " + e.getMessage(),
                    "use a type the host can check: str, int, float, bool, None, Any, list[...], dict[...], Optional[...]"));
            return null;
        }
    }

    private static Limits limits(String source, List<Finding> findings) {
        Matcher m = LIMITS.matcher(source);
        if (!m.find()) {
            return Limits.DEFAULT;
        }
        int line = lineOf(source, m.start());
        Limits parsed = Limits.DEFAULT;
        try {
            parsed = Limits.parse(m.group(1));
        } catch (IllegalArgumentException e) {
            findings.add(new Finding("PYM011", "error", line, 1, "bad limits header: " + e.getMessage(),
                    "e.g. '# limits: strict' or '# limits: default, memory=32MB time=3s recursion=300'"));
        }
        Limits ceiling = Limits.ceiling();
        if (parsed.exceeds(ceiling)) {
            Limits clamped = parsed.tighten(ceiling);
            findings.add(new Finding("PYW004", "warning", line, 1, "limits: " + parsed + " is above the host's ceiling "
                    + ceiling + "; runs get " + clamped,
                    "lower the '# limits:' header, or raise the ceiling for this machine with HUB_LIMITS_CEILING "
                            + "(e.g. HUB_LIMITS_CEILING='memory=4GB time=600s recursion=2000'; see README, Limits)"));
            parsed = clamped;
        }
        if (m.find()) {
            findings.add(new Finding("PYM011", "error", lineOf(source, m.start()), 1, "a second limits header",
                    "keep one '# limits:' line"));
        }
        return parsed;
    }

    private static int lineOf(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
