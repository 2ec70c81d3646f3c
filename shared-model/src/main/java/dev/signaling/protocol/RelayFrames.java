package dev.signaling.protocol;

/** Builds the frame a target receives from the frame its sender sent. */
public final class RelayFrames {
  private RelayFrames() {}

  /**
   * Returns the client's frame with a top-level {@code "from":sender} as its first member. A {@code
   * from} the client wrote is cut out; nothing else is touched, so SDP and every other payload
   * reach the target exactly as sent, byte for byte.
   *
   * @param sender a valid user name (see {@link Names}), which needs no JSON escaping
   */
  static String withSender(ParsedFrame frame, String sender) {
    String text =
        frame.hasFrom()
            ? frame.text().substring(0, frame.fromStart()) + frame.text().substring(frame.fromEnd())
            : frame.text();
    // A relayed frame always keeps members (type and target or room), so a comma follows ours.
    int brace = text.indexOf('{');
    return new StringBuilder(text.length() + sender.length() + 10)
        .append("{\"from\":\"")
        .append(sender)
        .append("\",")
        .append(text, brace + 1, text.length())
        .toString();
  }
}
