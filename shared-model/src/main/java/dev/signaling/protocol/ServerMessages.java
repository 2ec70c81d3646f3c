package dev.signaling.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Builds the frames the server sends. */
public final class ServerMessages {
  private ServerMessages() {}

  public static JsonObject loginOk(String name, String node) {
    return new JsonObject().put("type", MessageTypes.LOGIN_OK).put("name", name).put("node", node);
  }

  public static String ack(Object id) {
    return new JsonObject().put("type", MessageTypes.ACK).put("id", id).encode();
  }

  /** The answer to a room message: how many members it was written to. */
  public static String ack(Object id, int delivered) {
    return new JsonObject()
        .put("type", MessageTypes.ACK)
        .put("id", id)
        .put("delivered", delivered)
        .encode();
  }

  /** The answer to a join: the room's members, the joiner included. */
  public static String joined(String room, Iterable<String> users, Object id) {
    JsonObject joined =
        new JsonObject()
            .put("type", MessageTypes.JOINED)
            .put("room", room)
            .put("users", new JsonArray(toList(users)));
    return withId(joined, id).encode();
  }

  public static String left(String room, Object id) {
    return withId(new JsonObject().put("type", MessageTypes.LEFT).put("room", room), id).encode();
  }

  /** The answer to {@code ice-servers}: servers for RTCPeerConnection, TURN credentials fresh. */
  public static String iceServers(JsonArray servers, Object id) {
    return withId(
            new JsonObject().put("type", MessageTypes.ICE_SERVERS).put("iceServers", servers), id)
        .encode();
  }

  /** Someone this session talked with recently is gone. */
  public static String peerLeft(String name, String reason) {
    return new JsonObject()
        .put("type", MessageTypes.PEER_LEFT)
        .put("name", name)
        .put("reason", reason)
        .encode();
  }

  /** Sent before a draining node closes the connection with 1001. */
  public static String goAway(long reconnectAfterMs) {
    return new JsonObject()
        .put("type", MessageTypes.GO_AWAY)
        .put("reconnectAfterMs", reconnectAfterMs)
        .encode();
  }

  /** A member of {@code room} came online in it or went away. */
  public static String presence(String room, String name, boolean online) {
    return new JsonObject()
        .put("type", MessageTypes.PRESENCE)
        .put("room", room)
        .put("name", name)
        .put("online", online)
        .encode();
  }

  private static JsonObject withId(JsonObject message, Object id) {
    return id == null ? message : message.put("id", id);
  }

  private static List<Object> toList(Iterable<String> values) {
    List<Object> list = new ArrayList<>();
    values.forEach(list::add);
    return list;
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
    JsonObject error =
        new JsonObject()
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
