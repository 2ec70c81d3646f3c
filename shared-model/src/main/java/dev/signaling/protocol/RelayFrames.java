package dev.signaling.protocol;

import io.vertx.core.json.JsonObject;

/** Builds the frame a target receives from the frame its sender sent. */
public final class RelayFrames {
  private RelayFrames() {
  }

  /**
   * Returns {@code text} with a top-level {@code "from":sender}.
   *
   * <p>When the sender did not write a {@code from} of its own, the field is spliced in after the opening
   * brace: no re-encoding, so SDP and every other payload reach the target exactly as sent. Only a message
   * that tries to set {@code from} itself is re-encoded, with the server's value overwriting the client's.
   *
   * @param text the client's frame, a JSON object with at least one member
   * @param body {@code text} parsed
   * @param sender a valid user name (see {@link Names}), which needs no JSON escaping
   */
  public static String withSender(String text, JsonObject body, String sender) {
    if (body.containsKey("from")) {
      JsonObject copy = body.copy();
      copy.put("from", sender);
      return copy.encode();
    }
    int brace = text.indexOf('{');
    return new StringBuilder(text.length() + sender.length() + 10)
        .append("{\"from\":\"").append(sender).append("\",")
        .append(text, brace + 1, text.length())
        .toString();
  }
}
