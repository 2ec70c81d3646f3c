package dev.signaling.protocol;

/**
 * The catalogue of error codes a server sends in {@code {"type":"error","code":...}}.
 *
 * <p>Codes are stable wire identifiers: clients switch on them, so a code is never renamed or
 * reused. Each carries a default human-readable message; the server may send a more specific one.
 */
public enum ErrorCode {
  INVALID_JSON("invalid-json", "The frame is not a valid JSON object."),
  BINARY_NOT_SUPPORTED(
      "binary-not-supported", "Binary frames are not part of the protocol; send JSON text frames."),
  INVALID_TYPE("invalid-type", "Every message needs a string \"type\"."),
  INVALID_FIELD("invalid-field", "A field has the wrong type or value."),
  MISSING_TARGET(
      "missing-target",
      "A message to relay needs a string \"target\" naming a user, or a \"room\" to send to its members."),
  RESERVED_TYPE("reserved-type", "This type is reserved for messages the server sends."),
  INVALID_NAME("invalid-name", "Names are 1-64 characters from letters, digits and . _ - @."),
  NOT_LOGGED_IN("not-logged-in", "Log in first: {\"type\":\"login\",\"name\":...}."),
  ALREADY_LOGGED_IN("already-logged-in", "This connection is already logged in."),
  LOGIN_TIMEOUT("login-timeout", "No login arrived in time; the connection is closed."),
  UNAUTHORIZED("unauthorized", "A valid token is required: {\"type\":\"login\",\"token\":...}."),
  TOKEN_EXPIRED("token-expired", "The token has expired; log in (or send a token) again."),
  MESSAGE_TOO_LARGE("message-too-large", "The message is larger than the server accepts."),
  RATE_LIMITED("rate-limited", "Too many messages; slow down."),
  PEER_UNAVAILABLE("peer-unavailable", "The target is not online."),
  DELIVERY_FAILED(
      "delivery-failed",
      "The target's node did not confirm delivery in time; the message may not have arrived."),
  BUFFER_FULL(
      "buffer-full",
      "The target is away and may resume its session, but as much as may be held for it is held"
          + " already; this message was not."),
  NOT_IN_ROOM("not-in-room", "Join the room before sending to it or leaving it."),
  ROOM_FULL("room-full", "The room has as many members as it may have."),
  TOO_MANY_ROOMS(
      "too-many-rooms", "This session is in as many rooms as it may be; leave one first."),
  SESSION_REPLACED(
      "session-replaced", "The same name logged in elsewhere; this session is closed."),
  NAME_TAKEN(
      "name-taken",
      "The name is held by another client's login, which this one may not take over (PeerJS's ID-TAKEN)."),
  SERVER_UNAVAILABLE("server-unavailable", "The server could not handle the message; try again."),
  INTERNAL_ERROR("internal-error", "The server failed to handle the message.");

  private final String code;
  private final String defaultMessage;

  ErrorCode(String code, String defaultMessage) {
    this.code = code;
    this.defaultMessage = defaultMessage;
  }

  /** The code as it appears on the wire. */
  public String code() {
    return code;
  }

  public String defaultMessage() {
    return defaultMessage;
  }

  /** The code for a wire identifier, or {@code null} when it is not one of ours. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code.equals(code)) {
        return candidate;
      }
    }
    return null;
  }
}
