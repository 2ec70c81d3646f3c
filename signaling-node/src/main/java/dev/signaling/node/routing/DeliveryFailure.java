package dev.signaling.node.routing;

import dev.signaling.protocol.ErrorCode;

/** Why a frame did not reach its target, as the error code its sender is told. */
public final class DeliveryFailure extends RuntimeException {
  /** Event-bus failure code of a delivery whose target session is not on the node. */
  static final int NO_SUCH_SESSION = 404;

  private final ErrorCode code;

  public DeliveryFailure(ErrorCode code) {
    super(code.defaultMessage(), null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
