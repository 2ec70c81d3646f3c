package dev.signaling.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * Reads the top level of a client frame in one streaming pass: the handful of fields the server
 * acts on are read, every other value is checked for well-formedness and skipped, never built into
 * objects. A relayed SDP of kilobytes thus costs a scan, not a tree and a re-encoding.
 *
 * <p>Duplicate keys are refused at every level: a frame like {@code
 * {"type":"ack","type":"note",...}} would mean one thing to the server and another to a receiver
 * whose parser keeps the first key.
 */
final class FrameParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private FrameParser() {}

  static ParsedFrame parse(String text) throws ProtocolException {
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("The frame must be a JSON object: {\"type\":...}.");
      }
      return readObject(parser, text);
    } catch (JsonProcessingException malformed) {
      throw invalid("The frame is not valid JSON: " + firstLine(malformed.getOriginalMessage()));
    } catch (IOException unreadable) {
      throw invalid(ErrorCode.INVALID_JSON.defaultMessage());
    }
  }

  private static ParsedFrame readObject(JsonParser parser, String text)
      throws IOException, ProtocolException {
    Object type = null;
    Object target = null;
    Object room = null;
    Object id = null;
    Object name = null;
    Object loginToken = null;
    Object resume = null;
    int fromStart = -1;
    int fromEnd = -1;
    boolean fromOpen = false;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      int keyStart = (int) parser.currentTokenLocation().getCharOffset();
      if (fromOpen) {
        fromEnd = keyStart;
        fromOpen = false;
      }
      String field = parser.currentName();
      parser.nextToken();
      Object value = valueOf(parser);
      switch (field) {
        case "type" -> type = value;
        case "target" -> target = value;
        case "room" -> room = value;
        case "id" -> id = value;
        case "name" -> name = value;
        case "token" -> loginToken = value;
        case "resume" -> resume = value;
        case "from" -> {
          fromStart = keyStart;
          fromOpen = true;
        }
        default -> {
          // An application field: opaque to the server.
        }
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw invalid(ErrorCode.INVALID_JSON.defaultMessage());
    }
    if (fromOpen) {
      // "from" was the last member: remove the comma before it instead of one after it.
      fromEnd = (int) parser.currentTokenLocation().getCharOffset();
      fromStart = text.lastIndexOf(',', fromStart);
    }
    if (parser.nextToken() != null) {
      throw invalid("The frame must hold exactly one JSON object.");
    }
    return new ParsedFrame(
        text, type, target, room, id, name, loginToken, resume, fromStart, fromEnd);
  }

  /** Reads a scalar the protocol may need; skips (and so validates) anything else. */
  private static Object valueOf(JsonParser parser) throws IOException {
    switch (parser.currentToken()) {
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getNumberValue();
      case VALUE_NULL:
        return null;
      case START_OBJECT:
      case START_ARRAY:
        parser.skipChildren();
        return ParsedFrame.WRONG_TYPE;
      default:
        return ParsedFrame.WRONG_TYPE;
    }
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_JSON, message, null);
  }

  private static String firstLine(String detail) {
    if (detail == null) {
      return "";
    }
    int lineBreak = detail.indexOf('\n');
    String line = lineBreak < 0 ? detail : detail.substring(0, lineBreak);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
