package dev.nodestate.hub;

/**
 * The one exception type the hub raises for errors a user can act on. Each carries the
 * {@link ExitCode} the CLI exits with; the mapping lives only here.
 */
public class HubException extends RuntimeException {

    /** Process exit codes, mapped in one place. */
    public enum ExitCode {
        OK(0), FAILURE(1), USAGE(2), NOT_FOUND(3), TOOL_FAILED(4), NO_JDK(5), BUSY(6), CHECK_FAILED(7);

        private final int code;

        ExitCode(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The exit code with this number; FAILURE for one this version does not know. */
        public static ExitCode of(int code) {
            for (ExitCode c : values()) {
                if (c.code == code) {
                    return c;
                }
            }
            return FAILURE;
        }
    }

    private final ExitCode exitCode;

    public HubException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public HubException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
