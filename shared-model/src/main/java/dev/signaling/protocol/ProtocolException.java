package dev.signaling.protocol;

/**
 * A client message the server refuses. Carries what the error frame needs: the code, a message that
 * says what was wrong, and the {@code id} of the refused message (echoed as {@code ref}) when it
 * had one.
 *
 * <p>Bad input is routine, not exceptional, so no stack trace is filled in.
 */
public final class ProtocolException extends Exception {
  private final ErrorCode code;
  private final Object ref;

  public ProtocolException(ErrorCode code, String message, Object ref) {
    super(message, null, false, false);
    this.code = code;
    this.ref = ref;
  }

  public ProtocolException(ErrorCode code, Object ref) {
    this(code, code.defaultMessage(), ref);
  }

  public ErrorCode code() {
    return code;
  }

  /** The refused message's {@code id}, or {@code null}. */
  public Object ref() {
    return ref;
  }
}
