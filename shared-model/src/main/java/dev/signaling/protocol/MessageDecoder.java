package dev.signaling.protocol;

import io.vertx.core.json.JsonObject;

/** Turns a client's text frame into a {@link ClientMessage}, or says precisely what is wrong with it. */
public final class MessageDecoder {
  /** Longest accepted {@code type}; application types are short words like {@code video-offer}. */
  public static final int MAX_TYPE_LENGTH = 64;
  /** Longest accepted string {@code id}. */
  public static final int MAX_ID_LENGTH = 128;

  private MessageDecoder() {
  }

  public static ClientMessage decode(String text) throws ProtocolException {
    JsonObject json = parseObject(text);
    Object id = validId(json.getValue("id"));
    String type = validType(json.getValue("type"), id);
    switch (type) {
      case MessageTypes.LOGIN:
        return new ClientMessage.Login(validName(json.getValue("name"), "name", id), id);
      case MessageTypes.LOGOUT:
        return new ClientMessage.Logout(id);
      case MessageTypes.JOIN:
        return new ClientMessage.Join(validName(json.getValue("room"), "room", id), id);
      case MessageTypes.LEAVE:
        return new ClientMessage.Leave(validName(json.getValue("room"), "room", id), id);
      default:
        if (MessageTypes.isReserved(type)) {
          throw new ProtocolException(ErrorCode.RESERVED_TYPE,
              "\"" + type + "\" is reserved for the server; it cannot be sent by a client.", id);
        }
        Object target = json.getValue("target");
        if (target != null) {
          return new ClientMessage.Relay(type, validName(target, "target", id), id, json, text);
        }
        Object room = json.getValue("room");
        if (room != null) {
          return new ClientMessage.RoomRelay(type, validName(room, "room", id), id, json, text);
        }
        throw new ProtocolException(ErrorCode.MISSING_TARGET, id);
    }
  }

  private static JsonObject parseObject(String text) throws ProtocolException {
    if (!startsWithBrace(text)) {
      throw new ProtocolException(ErrorCode.INVALID_JSON,
          "The frame must be a JSON object: {\"type\":...}.", null);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (RuntimeException notAnObject) {
      // DecodeException for malformed JSON or a JSON value that is not an object, and Jackson's
      // constraint violations (nesting too deep, numbers too long) surface here too.
      throw new ProtocolException(ErrorCode.INVALID_JSON, describe(notAnObject), null);
    }
    if (json == null) {
      throw new ProtocolException(ErrorCode.INVALID_JSON, null);
    }
    if (json.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_TYPE, null);
    }
    return json;
  }

  private static boolean startsWithBrace(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  private static String describe(RuntimeException e) {
    String detail = e.getMessage();
    if (detail == null) {
      return ErrorCode.INVALID_JSON.defaultMessage();
    }
    int lineBreak = detail.indexOf('\n');
    String firstLine = lineBreak < 0 ? detail : detail.substring(0, lineBreak);
    if (firstLine.length() > 200) {
      firstLine = firstLine.substring(0, 200) + "...";
    }
    return ErrorCode.INVALID_JSON.defaultMessage() + " " + firstLine;
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
    throw new ProtocolException(ErrorCode.INVALID_FIELD,
        "\"id\" must be a string of at most " + MAX_ID_LENGTH + " characters or an integer.", null);
  }

  private static String validType(Object type, Object id) throws ProtocolException {
    if (!(type instanceof String s) || s.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_TYPE, id);
    }
    if (s.length() > MAX_TYPE_LENGTH) {
      throw new ProtocolException(ErrorCode.INVALID_TYPE,
          "\"type\" is longer than " + MAX_TYPE_LENGTH + " characters.", id);
    }
    return s;
  }

  private static String validName(Object value, String field, Object id) throws ProtocolException {
    if (!(value instanceof String name)) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD, "\"" + field + "\" must be a string.", id);
    }
    if (!Names.isValid(name)) {
      ErrorCode code = "name".equals(field) ? ErrorCode.INVALID_NAME : ErrorCode.INVALID_FIELD;
      throw new ProtocolException(code,
          "\"" + field + "\" must be 1-64 characters from letters, digits and . _ - @.", id);
    }
    return name;
  }
}
