package dev.nodestate.hub.diff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Line diff of two texts (Myers' O((N+M)D) algorithm after trimming the common prefix and
 * suffix) and its unified hunks: {@code @@ -a,b +c,d @@} headers (counts always written, a side
 * with no lines starts at the line before, as in GNU diff), {@value #CONTEXT} lines of context,
 * changes closer than twice that share a hunk. The hunk text is capped at {@value #MAX_LINES}
 * lines, then one {@code ... N more lines} line. When the two sides differ in more than
 * {@value #MAX_EDITS} lines the diff gives up on alignment and removes all old lines and adds all
 * new ones.
 */
final class LineDiff {

    static final int CONTEXT = 3;
    static final int MAX_LINES = 200;
    static final int MAX_EDITS = 2000;

    enum Op { EQUAL, DELETE, INSERT }

    /** One line of the edit script; {@code oldIndex}/{@code newIndex} are 0-based, -1 where not applicable. */
    record Edit(Op op, int oldIndex, int newIndex) {
    }

    /** Lines added and removed, and the hunks ("" when nothing changed). */
    record Result(int added, int removed, String hunk) {
    }

    private LineDiff() {
    }

    /**
     * Diffs {@code a} (whose first line is line {@code aStart} of its file) with {@code b} (from
     * line {@code bStart}).
     */
    static Result of(List<String> a, int aStart, List<String> b, int bStart) {
        List<Edit> edits = edits(a, b);
        int added = 0;
        int removed = 0;
        for (Edit e : edits) {
            added += e.op() == Op.INSERT ? 1 : 0;
            removed += e.op() == Op.DELETE ? 1 : 0;
        }
        return new Result(added, removed, hunks(edits, a, aStart, b, bStart));
    }

    static List<Edit> edits(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int pre = 0;
        while (pre < n && pre < m && a.get(pre).equals(b.get(pre))) {
            pre++;
        }
        int suf = 0;
        while (suf < n - pre && suf < m - pre && a.get(n - 1 - suf).equals(b.get(m - 1 - suf))) {
            suf++;
        }
        List<Edit> out = new ArrayList<>();
        for (int i = 0; i < pre; i++) {
            out.add(new Edit(Op.EQUAL, i, i));
        }
        middle(a.subList(pre, n - suf), b.subList(pre, m - suf), pre, out);
        for (int k = 0; k < suf; k++) {
            out.add(new Edit(Op.EQUAL, n - suf + k, m - suf + k));
        }
        return out;
    }

    /** Myers on the middle part; indices in the edits are shifted by {@code shift}. */
    private static void middle(List<String> a, List<String> b, int shift, List<Edit> out) {
        int n = a.size();
        int m = b.size();
        int max = n + m;
        int offset = max + 1;
        int[] v = new int[2 * max + 3];
        List<int[]> trace = new ArrayList<>();
        int found = -1;
        for (int d = 0; d <= Math.min(max, MAX_EDITS) && found < 0; d++) {
            int[] snapshot = new int[2 * d + 1];
            System.arraycopy(v, offset - d, snapshot, 0, 2 * d + 1);
            trace.add(snapshot);
            for (int k = -d; k <= d; k += 2) {
                int x = k == -d || k != d && v[offset + k - 1] < v[offset + k + 1] ? v[offset + k + 1] : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m) {
                    found = d;
                    break;
                }
            }
        }
        if (found < 0) {
            for (int i = 0; i < n; i++) {
                out.add(new Edit(Op.DELETE, shift + i, -1));
            }
            for (int j = 0; j < m; j++) {
                out.add(new Edit(Op.INSERT, -1, shift + j));
            }
            return;
        }
        List<Edit> reversed = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = found; d > 0; d--) {
            int[] s = trace.get(d);
            int k = x - y;
            int prevK = k == -d || k != d && s[k - 1 + d] < s[k + 1 + d] ? k + 1 : k - 1;
            int prevX = s[prevK + d];
            int prevY = prevX - prevK;
            while (x > prevX && y > prevY) {
                x--;
                y--;
                reversed.add(new Edit(Op.EQUAL, shift + x, shift + y));
            }
            if (x == prevX) {
                y--;
                reversed.add(new Edit(Op.INSERT, -1, shift + y));
            } else {
                x--;
                reversed.add(new Edit(Op.DELETE, shift + x, -1));
            }
        }
        while (x > 0 && y > 0) {
            x--;
            y--;
            reversed.add(new Edit(Op.EQUAL, shift + x, shift + y));
        }
        Collections.reverse(reversed);
        out.addAll(reversed);
    }

    private static String hunks(List<Edit> edits, List<String> a, int aStart, List<String> b, int bStart) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < edits.size()) {
            if (edits.get(i).op() == Op.EQUAL) {
                i++;
                continue;
            }
            int from = Math.max(0, i - CONTEXT);
            int last = i;
            int j = i + 1;
            while (j < edits.size()) {
                if (edits.get(j).op() != Op.EQUAL) {
                    last = j;
                } else if (j - last > 2 * CONTEXT) {
                    break;
                }
                j++;
            }
            int to = Math.min(edits.size(), last + CONTEXT + 1);
            lines.add(header(edits, from, to, aStart, bStart));
            for (Edit e : edits.subList(from, to)) {
                lines.add(switch (e.op()) {
                    case EQUAL -> " " + a.get(e.oldIndex());
                    case DELETE -> "-" + a.get(e.oldIndex());
                    case INSERT -> "+" + b.get(e.newIndex());
                });
            }
            i = to;
        }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < Math.min(lines.size(), MAX_LINES); k++) {
            out.append(lines.get(k)).append('\n');
        }
        if (lines.size() > MAX_LINES) {
            out.append("... ").append(lines.size() - MAX_LINES).append(" more lines\n");
        }
        return out.toString();
    }

    private static String header(List<Edit> edits, int from, int to, int aStart, int bStart) {
        int oldBefore = 0;
        int newBefore = 0;
        for (Edit e : edits.subList(0, from)) {
            oldBefore += e.op() != Op.INSERT ? 1 : 0;
            newBefore += e.op() != Op.DELETE ? 1 : 0;
        }
        int oldCount = 0;
        int newCount = 0;
        for (Edit e : edits.subList(from, to)) {
            oldCount += e.op() != Op.INSERT ? 1 : 0;
            newCount += e.op() != Op.DELETE ? 1 : 0;
        }
        int oldLine = aStart + oldBefore - (oldCount == 0 ? 1 : 0);
        int newLine = bStart + newBefore - (newCount == 0 ? 1 : 0);
        return "@@ -" + oldLine + "," + oldCount + " +" + newLine + "," + newCount + " @@";
    }
}
