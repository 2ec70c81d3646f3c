package dev.signaling.protocol;

import java.math.BigInteger;

/**
 * Turns a client's text frame into a {@link ClientMessage}, or says precisely what is wrong with
 * it.
 */
public final class MessageDecoder {
  /** Longest accepted {@code type}; application types are short words like {@code video-offer}. */
  public static final int MAX_TYPE_LENGTH = 64;

  /** Longest accepted string {@code id}. */
  public static final int MAX_ID_LENGTH = 128;

  /** Longest accepted resume token; the server's are 43 characters. */
  private static final int MAX_RESUME_LENGTH = 128;

  /** Longest accepted token; JWTs are well under this. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  private MessageDecoder() {}

  public static ClientMessage decode(String text) throws ProtocolException {
    ParsedFrame frame = FrameParser.parse(text);
    Object id = validId(frame.id());
    String type = validType(frame.type(), id);
    switch (type) {
      case MessageTypes.LOGIN:
        return login(frame, id);
      case MessageTypes.TOKEN:
        return new ClientMessage.Token(validToken(frame.token(), id), id);
      case MessageTypes.LOGOUT:
        return new ClientMessage.Logout(id);
      case MessageTypes.JOIN:
        return new ClientMessage.Join(validName(frame.room(), "room", id), id);
      case MessageTypes.LEAVE:
        return new ClientMessage.Leave(validName(frame.room(), "room", id), id);
      case MessageTypes.ICE_SERVERS:
        return new ClientMessage.IceServers(id);
      default:
        if (MessageTypes.isReserved(type)) {
          throw new ProtocolException(
              ErrorCode.RESERVED_TYPE,
              "\"" + type + "\" is reserved for the server; it cannot be sent by a client.",
              id);
        }
        if (frame.target() != null) {
          return new ClientMessage.Relay(type, validName(frame.target(), "target", id), id, frame);
        }
        if (frame.room() != null) {
          return new ClientMessage.RoomRelay(type, validName(frame.room(), "room", id), id, frame);
        }
        throw new ProtocolException(ErrorCode.MISSING_TARGET, id);
    }
  }

  private static ClientMessage.Login login(ParsedFrame frame, Object id) throws ProtocolException {
    String token = frame.token() == null ? null : validToken(frame.token(), id);
    String name =
        token != null && frame.name() == null ? null : validName(frame.name(), "name", id);
    String resume = frame.resume() == null ? null : validResume(frame.resume(), id);
    return new ClientMessage.Login(name, token, resume, id);
  }

  private static String validResume(Object resume, Object id) throws ProtocolException {
    if (!(resume instanceof String s) || s.isEmpty() || s.length() > MAX_RESUME_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD,
          "\"resume\" must be the string login-ok gave, of at most "
              + MAX_RESUME_LENGTH
              + " characters.",
          id);
    }
    return s;
  }

  private static String validToken(Object token, Object id) throws ProtocolException {
    if (!(token instanceof String s) || s.isEmpty() || s.length() > MAX_TOKEN_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD,
          "\"token\" must be a string of at most " + MAX_TOKEN_LENGTH + " characters.",
          id);
    }
    return s;
  }

  private static Object validId(Object id) throws ProtocolException {
    if (id == null) {
      return null;
    }
    if (id instanceof String s && s.length() <= MAX_ID_LENGTH) {
      return s;
    }
    if (id instanceof Integer || id instanceof Long) {
      return id;
    }
    // The id cannot be echoed as ref: it is what is wrong.
    String problem =
        id instanceof BigInteger
            ? "is too large"
            : "must be a string of at most " + MAX_ID_LENGTH + " characters or an integer";
    throw new ProtocolException(ErrorCode.INVALID_FIELD, "\"id\" " + problem + ".", null);
  }

  private static String validType(Object type, Object id) throws ProtocolException {
    if (!(type instanceof String s) || s.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_TYPE, id);
    }
    if (s.length() > MAX_TYPE_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_TYPE,
          "\"type\" is longer than " + MAX_TYPE_LENGTH + " characters.",
          id);
    }
    return s;
  }

  private static String validName(Object value, String field, Object id) throws ProtocolException {
    if (!(value instanceof String name)) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD, "\"" + field + "\" must be a string.", id);
    }
    if (!Names.isValid(name)) {
      ErrorCode code = "name".equals(field) ? ErrorCode.INVALID_NAME : ErrorCode.INVALID_FIELD;
      throw new ProtocolException(
          code, "\"" + field + "\" must be 1-64 characters from letters, digits and . _ - @.", id);
    }
    return name;
  }
}
