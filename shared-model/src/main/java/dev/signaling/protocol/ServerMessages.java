package dev.signaling.protocol;

import io.vertx.core.json.JsonObject;

/** Builds the frames the server sends. */
public final class ServerMessages {
  private ServerMessages() {
  }

  public static JsonObject loginOk(String name, String node) {
    return new JsonObject().put("type", MessageTypes.LOGIN_OK).put("name", name).put("node", node);
  }

  public static String ack(Object id) {
    return new JsonObject().put("type", MessageTypes.ACK).put("id", id).encode();
  }

  public static String error(ProtocolException refused) {
    return error(refused.code(), refused.getMessage(), refused.ref(), null);
  }

  /**
   * An error frame.
   *
   * @param ref the {@code id} of the message this answers, or {@code null}
   * @param target the user the refused message was for, when that helps the client, or {@code null}
   */
  public static String error(ErrorCode code, String message, Object ref, String target) {
    JsonObject error = new JsonObject()
        .put("type", MessageTypes.ERROR)
        .put("code", code.code())
        .put("message", message == null ? code.defaultMessage() : message);
    if (ref != null) {
      error.put("ref", ref);
    }
    if (target != null) {
      error.put("target", target);
    }
    return error.encode();
  }
}
