package dev.signaling.protocol;

import java.util.Set;

/**
 * The message types the protocol itself owns. Any other type is an application message and is
 * relayed as it is.
 */
public final class MessageTypes {
  // Client commands: handled by the server, never relayed.
  public static final String LOGIN = "login";
  public static final String LOGOUT = "logout";
  public static final String JOIN = "join";
  public static final String LEAVE = "leave";

  /** Asks for fresh ICE servers (TURN credentials expire); the answer has the same type. */
  public static final String ICE_SERVERS = "ice-servers";

  /** Replaces the connection's token before it expires. */
  public static final String TOKEN = "token";

  // Server messages.
  public static final String LOGIN_OK = "login-ok";
  public static final String ACK = "ack";
  public static final String ERROR = "error";
  public static final String JOINED = "joined";
  public static final String LEFT = "left";
  public static final String PRESENCE = "presence";

  /**
   * Someone this session exchanged messages with recently has gone (logout, disconnect, node
   * failure).
   */
  public static final String PEER_LEFT = "peer-left";

  /** The node is shutting down: reconnect (to any node) after {@code reconnectAfterMs}. */
  public static final String GO_AWAY = "go-away";

  // The seeds' call-setup vocabulary: ordinary application types, listed for clients and docs.
  public static final String VIDEO_OFFER = "video-offer";
  public static final String VIDEO_ANSWER = "video-answer";
  public static final String NEW_ICE_CANDIDATE = "new-ice-candidate";
  public static final String HANG_UP = "hang-up";

  /**
   * Types a client may never relay. Besides today's server messages this holds the names the
   * protocol reserves for its next features, so that introducing them never changes what an old
   * client's message means.
   */
  public static final Set<String> RESERVED =
      Set.of(
          LOGIN,
          LOGOUT,
          LOGIN_OK,
          ACK,
          ERROR,
          JOIN,
          JOINED,
          LEAVE,
          LEFT,
          PRESENCE,
          ICE_SERVERS,
          GO_AWAY,
          PEER_LEFT,
          TOKEN,
          "ping",
          "pong");

  private MessageTypes() {}

  public static boolean isReserved(String type) {
    return RESERVED.contains(type);
  }
}
