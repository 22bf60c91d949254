package dev.nodestate.hub.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A lane's stdout/stderr: keeps at most {@code cap} bytes of the current run and notes a flood. */
final class CapturedOutput extends OutputStream {

    static final int CAP = 64 * 1024;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private volatile boolean exceeded;

    synchronized void begin() {
        buffer.reset();
        exceeded = false;
    }

    boolean exceeded() {
        return exceeded;
    }

    synchronized String end() {
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        return text;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = CAP - buffer.size();
        if (len > room) {
            exceeded = true;
        }
        buffer.write(b, off, Math.max(0, Math.min(len, room)));
    }
}
