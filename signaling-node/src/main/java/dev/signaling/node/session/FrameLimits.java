package dev.signaling.node.session;

import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.ProtocolException;

/** The size a client's message may have, checked before it is decoded. */
final class FrameLimits {
  private final int maxMessageBytes;

  FrameLimits(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Refuses a message larger than the limit in UTF-8 bytes. */
  void check(String text) throws ProtocolException {
    // A char is at most 3 UTF-8 bytes here: only long texts need counting.
    if (text.length() > maxMessageBytes
        || (text.length() * 3L > maxMessageBytes && utf8Length(text) > maxMessageBytes)) {
      throw new ProtocolException(
          ErrorCode.MESSAGE_TOO_LARGE,
          "The message is larger than " + maxMessageBytes + " bytes.",
          null);
    }
  }

  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
