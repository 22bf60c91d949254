package dev.nodestate.hub.failure;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * Failing tests out of a test report: pytest's default text output (the {@code FAILED id - message} lines of its
 * short summary, and the tracebacks of its failure sections), or JUnit XML (pytest {@code --junitxml}, Maven
 * Surefire's {@code TEST-*.xml}). A report that is neither, or a pytest output without its summary (truncated), is
 * refused with what to do.
 */
public final class TestReports {

    /** One frame of a traceback: a file as the report names it, a line, and the function when the report says. */
    public record Frame(String file, int line, String function) {
    }

    /**
     * One failing test. {@code id} as the runner names it ({@code tests/test_x.py::TestX::test_y},
     * {@code com.x.FooTest#bar}); {@code file} the test's source file when known; {@code frames} innermost last.
     */
    public record FailedTest(String id, String file, String className, String name, String message, List<Frame> frames,
                             String runner) {
    }

    // pytest: "FAILED tests/test_x.py::test_y - AssertionError: ..." / "ERROR tests/test_x.py::test_z - ..."
    private static final Pattern SUMMARY = Pattern.compile("^(FAILED|ERROR) (\\S+?\\.py::\\S+)(?: - (.*))?$");
    // pytest section header: "____ TestX.test_y ____" / "____ ERROR at setup of test_z ____"
    private static final Pattern SECTION = Pattern.compile("^_{3,} (.+?) _{3,}$");
    // a frame location line, long or short traceback: "pkg/mod.py:34: in func" / "tests/test_x.py:12: AssertionError"
    private static final Pattern PY_FRAME = Pattern.compile("^(\\S+\\.py):(\\d+):(?: +(?:in (\\S+)|(\\S.*)))? *$");
    // a Java stack frame: "at com.x.Foo.bar(Foo.java:42)"
    private static final Pattern JAVA_FRAME = Pattern.compile("^\\s*at ([\\w$.]+)\\.([\\w$<>]+)\\(([\\w$]+\\.java):(\\d+)\\)");

    private TestReports() {
    }

    /** The failing tests of one report; {@code source} names it in messages (a file name or "stdin"). */
    public static List<FailedTest> parse(String text, String source) {
        String head = text.stripLeading();
        if (head.startsWith("<")) {
            return junit(text, source);
        }
        return pytest(text, source);
    }

    private static List<FailedTest> pytest(String text, String source) {
        List<String> lines = text.lines().toList();
        Map<String, FailedTest> byId = new LinkedHashMap<>();
        boolean sawSession = false;
        boolean sawSummaryEnd = false;
        for (String line : lines) {
            if (line.contains("test session starts") || line.matches("^=+ (FAILURES|ERRORS) =+$")
                    || line.matches("^\\S*\\s*[.FEsxX]+\\s+\\[\\s*\\d+%\\]$")) {
                sawSession = true; // pytest's output, quiet (-q) or not
            }
            if (line.matches("^=+ .*(passed|failed|error|errors|skipped|no tests ran).* =+$")) {
                sawSummaryEnd = true;
            }
            Matcher m = SUMMARY.matcher(line.strip());
            if (m.matches()) {
                String id = m.group(2);
                byId.putIfAbsent(id, new FailedTest(id, id.substring(0, id.indexOf("::")), null, lastPart(id), m.group(3) == null ? "" : m.group(3),
                        List.of(), "pytest"));
            }
        }
        if (byId.isEmpty()) {
            if (sawSession && !sawSummaryEnd) {
                throw new HubException(ExitCode.USAGE, source + ": this pytest output ends before its summary (truncated?):"
                        + " no 'FAILED ...' line and no final '=== N failed ... ===' line; give the whole output (python3 -m pytest ... > out.txt)");
            }
            if (sawSummaryEnd) {
                return List.of(); // a complete run without failures
            }
            throw new HubException(ExitCode.USAGE, source + ": not a test report: no pytest 'FAILED tests/x.py::test' summary line and"
                    + " not JUnit XML; give pytest's output (python3 -m pytest, default or -rf) or a JUnit XML file"
                    + " (--junitxml=report.xml, target/surefire-reports/TEST-*.xml)");
        }
        // frames: each failure section's location lines, matched to its test by the section's name
        Map<String, List<Frame>> frames = new LinkedHashMap<>();
        String current = null;
        for (String line : lines) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                current = s.group(1).replaceFirst("^ERROR at (setup|teardown) of ", "");
                frames.putIfAbsent(current, new ArrayList<>());
                continue;
            }
            if (line.startsWith("=")) {
                current = null;
                continue;
            }
            Matcher f = PY_FRAME.matcher(line);
            if (current != null && f.matches()) {
                frames.get(current).add(new Frame(f.group(1), Integer.parseInt(f.group(2)), f.group(3)));
            }
        }
        List<FailedTest> out = new ArrayList<>();
        for (FailedTest t : byId.values()) {
            String dotted = t.id().substring(t.id().indexOf("::") + 2).replace("::", ".");
            List<Frame> fs = frames.getOrDefault(dotted, frames.getOrDefault(lastPart(t.id()), List.of()));
            String cls = dotted.contains(".") ? dotted.substring(0, dotted.lastIndexOf('.')) : null;
            out.add(new FailedTest(t.id(), t.file(), cls, t.name(), t.message(), List.copyOf(fs), "pytest"));
        }
        return out;
    }

    private static String lastPart(String id) {
        String name = id.substring(id.lastIndexOf("::") + 2);
        return name;
    }

    private static List<FailedTest> junit(String text, String source) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no external entities
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
        } catch (SAXParseException e) {
            throw new HubException(ExitCode.USAGE, source + ":" + e.getLineNumber() + ": not well-formed XML: " + e.getMessage()
                    + " (give a JUnit XML report: --junitxml=report.xml, target/surefire-reports/TEST-*.xml)");
        } catch (Exception e) {
            throw new HubException(ExitCode.USAGE, source + ": cannot read the XML: " + e.getMessage());
        }
        String root = doc.getDocumentElement().getTagName();
        if (!root.equals("testsuite") && !root.equals("testsuites")) {
            throw new HubException(ExitCode.USAGE, source + ": XML, but not JUnit XML (root element <" + root + ">, expected"
                    + " <testsuite> or <testsuites>); give pytest --junitxml output or target/surefire-reports/TEST-*.xml");
        }
        List<FailedTest> out = new ArrayList<>();
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            Element problem = first(c, "failure");
            if (problem == null) {
                problem = first(c, "error");
            }
            if (problem == null) {
                continue;
            }
            String cls = c.getAttribute("classname");
            String name = c.getAttribute("name").replaceFirst("\\(\\)$", "");
            String file = c.getAttribute("file");
            String body = problem.getTextContent();
            List<Frame> frames = new ArrayList<>();
            boolean java = false;
            for (String line : body.lines().toList()) {
                Matcher j = JAVA_FRAME.matcher(line);
                if (j.find()) {
                    java = true;
                    String owner = j.group(1);
                    String pkg = owner.contains(".") ? owner.substring(0, owner.lastIndexOf('.')).replace('.', '/') + "/" : "";
                    frames.addFirst(new Frame(pkg + j.group(3), Integer.parseInt(j.group(4)), j.group(2))); // Java lists innermost first
                    continue;
                }
                Matcher p = PY_FRAME.matcher(line);
                if (p.matches()) {
                    frames.add(new Frame(p.group(1), Integer.parseInt(p.group(2)), p.group(3)));
                }
            }
            String message = problem.getAttribute("message");
            boolean pytest = !java && c.getParentNode() instanceof Element suite && suite.getAttribute("name").equals("pytest");
            if (pytest) {
                // xunit2 gives no file: classname is module (dotted) + class; the nodes tell which part is which
                out.add(new FailedTest(cls + "::" + name, file.isEmpty() ? null : file, cls, name, message, List.copyOf(frames), "pytest"));
            } else {
                out.add(new FailedTest(cls + "#" + name, null, cls, name, message, List.copyOf(frames), "junit"));
            }
        }
        return out;
    }

    private static Element first(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }
}
