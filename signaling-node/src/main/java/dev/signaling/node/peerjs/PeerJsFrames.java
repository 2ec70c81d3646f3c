package dev.signaling.node.peerjs;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** The PeerJS server protocol's frames, as the {@code peer} server 1.0 sends and reads them. */
final class PeerJsFrames {
  static final String HEARTBEAT = "HEARTBEAT";
  static final String LEAVE = "LEAVE";
  static final String EXPIRE = "EXPIRE";

  /** Client frames relayed to their {@code dst}, with {@code src} set by the server. */
  static final Set<String> RELAYED = Set.of("OFFER", "ANSWER", "CANDIDATE", LEAVE, EXPIRE);

  private static final String OPEN = "{\"type\":\"OPEN\"}";
  private static final String ID_TAKEN =
      "{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}";
  private static final String TYPE_PREFIX = "{\"type\":\"";

  private PeerJsFrames() {}

  /** A client frame: its type and, for frames to relay, its target and payload. */
  record ClientFrame(String type, String dst, Object payload) {}

  /**
   * Reads a client frame; {@code null} for one that is not a JSON object with a string type, which
   * the PeerJS server ignores as well.
   */
  static ClientFrame read(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException notAnObject) {
      return null;
    }
    Object type = frame.getValue("type");
    Object dst = frame.getValue("dst");
    return type instanceof String name
        ? new ClientFrame(name, dst instanceof String id ? id : null, frame.getValue("payload"))
        : null;
  }

  /**
   * A frame relayed from {@code src} to {@code dst}: the four fields the PeerJS server passes on,
   * whatever else the client wrote.
   */
  static String relayed(String type, String src, String dst, Object payload) {
    JsonObject frame = new JsonObject().put("type", type).put("src", src).put("dst", dst);
    if (payload != null) {
      frame.put("payload", payload);
    }
    return frame.encode();
  }

  /**
   * Whether a frame written to a PeerJS session is one that {@link #relayed} or this class built
   * (its type in capitals), rather than a frame of the native session core to translate.
   */
  static boolean isPeerJs(String frame) {
    return frame.length() > TYPE_PREFIX.length()
        && frame.startsWith(TYPE_PREFIX)
        && Character.isUpperCase(frame.charAt(TYPE_PREFIX.length()));
  }

  static String open() {
    return OPEN;
  }

  static String idTaken() {
    return ID_TAKEN;
  }

  static String error(String message) {
    return new JsonObject()
        .put("type", "ERROR")
        .put("payload", new JsonObject().put("msg", message))
        .encode();
  }

  /** Tells {@code dst} that its messages to {@code src} expired: {@code src} never connected. */
  static String expire(String src, String dst) {
    return new JsonObject().put("type", EXPIRE).put("src", src).put("dst", dst).encode();
  }
}
