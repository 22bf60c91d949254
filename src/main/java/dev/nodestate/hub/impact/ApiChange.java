package dev.nodestate.hub.impact;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.store.NodeState;

/**
 * The API side of one node's change: old and new signature and visibility, from the diff bundle hub watch made (its
 * structural view), or the current signature on both sides when no change was recorded.
 *
 * @param since what the old side is: "hub watch <time>", or a note that none was recorded
 */
public record ApiChange(String nodeId, String previousId, String oldSignature, String newSignature, String oldVisibility,
                        String newVisibility, boolean exportChanged, String since) {

    /** Null when the bundle is not an API change (no signature, visibility or export change). */
    public static ApiChange of(DiffBundle change, String since) {
        DiffBundle.Structural s = change.structural();
        if (s == null || !(s.signatureChanged() || s.visibilityChanged() || s.exportChanged())) {
            return null;
        }
        return new ApiChange(change.nodeId(), change.previousId(), s.oldSignature(), s.newSignature(), s.oldVisibility(),
                s.newVisibility(), s.exportChanged(), since);
    }

    /** No recorded change: the node's current signature on both sides. */
    static ApiChange current(NodeState node, String visibility) {
        return new ApiChange(node.id().toString(), null, node.signature(), node.signature(), visibility, visibility, false,
                "no change recorded: call sites are checked against the current signature");
    }

    static boolean isPublic(String visibility) {
        return "public".equals(visibility) || "protected".equals(visibility);
    }

    /** Public before or after: a caller outside may depend on it. */
    boolean touchesApi() {
        return isPublic(oldVisibility) || isPublic(newVisibility);
    }
}
