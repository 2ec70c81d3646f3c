package dev.signaling.node.base;

import dev.signaling.protocol.ErrorCode;

/**
 * Why the server could not do what a client asked (deliver a frame, join a room), as the error code
 * the client is told. Routine, so no stack trace is filled in.
 */
public final class Refusal extends RuntimeException {
  private final ErrorCode code;

  public Refusal(ErrorCode code) {
    this(code, code.defaultMessage());
  }

  public Refusal(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
