package dev.signaling.client;

import dev.signaling.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;

/** The server answered a request with an error frame. */
public final class SignalingException extends RuntimeException {
  private final JsonObject error;

  public SignalingException(JsonObject error) {
    super(error.getString("code") + ": " + error.getString("message"));
    this.error = error;
  }

  /** The code as sent, which may be newer than this client's catalogue. */
  public String code() {
    return error.getString("code");
  }

  /** The code from the catalogue, or {@code null} for a code this client does not know. */
  public ErrorCode errorCode() {
    return ErrorCode.fromCode(code());
  }

  public JsonObject error() {
    return error;
  }
}
