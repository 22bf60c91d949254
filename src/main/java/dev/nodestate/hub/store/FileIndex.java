package dev.nodestate.hub.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * The tracking entry of one source file. {@code file_path} is repo-relative like node ids;
 * {@code error} holds a syntax error recorded on the file (its nodes then stay as last parsed),
 * or {@code null}. The store owns {@code node_count}: it always equals the number of stored nodes
 * of the file, whatever value was passed in.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FileIndex(String filePath, String fileHash, int nodeCount, Instant lastScanned, String error) {

    public FileIndex {
        NodeId.module(filePath); // validates the path
        if (fileHash == null) {
            throw new IllegalArgumentException("FileIndex " + filePath + ": file_hash is null");
        }
        if (nodeCount < 0) {
            throw new IllegalArgumentException("FileIndex " + filePath + ": node_count " + nodeCount + " is negative");
        }
        if (lastScanned == null) {
            throw new IllegalArgumentException("FileIndex " + filePath + ": last_scanned is null");
        }
    }

    public FileIndex withNodeCount(int count) {
        return count == nodeCount ? this : new FileIndex(filePath, fileHash, count, lastScanned, error);
    }

    public static FileIndex fromJson(String json) {
        return Codec.read(json, FileIndex.class);
    }

    public String toJson() {
        return Codec.text(this);
    }
}
