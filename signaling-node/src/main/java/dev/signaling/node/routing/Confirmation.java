package dev.signaling.node.routing;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A node's ({@code node}'s) batch of outcomes for frames of one stream from another node (see
 * {@link StreamedSends}): for each frame, by number, what its inbox made of it (as {@link
 * LocalDelivery#write} counts, or {@link StreamConfirmer#LATE}), and how long its confirmation
 * waited for the batch to leave, so that the sender can tell when it was written. Frames are listed
 * as their outcomes became known, not in the order they were sent: a frame to a client slow to read
 * holds up no other frame's confirmation.
 */
record Confirmation(String node, int stream, long[] seqs, int[] outcomes, int[] waitedMicros) {

  int size() {
    return seqs.length;
  }

  Buffer toBuffer() {
    byte[] nodeBytes = node.getBytes(StandardCharsets.UTF_8);
    Buffer buffer =
        Buffer.buffer(12 + nodeBytes.length + seqs.length * 16)
            .appendInt(nodeBytes.length)
            .appendBytes(nodeBytes)
            .appendInt(stream)
            .appendInt(seqs.length);
    for (int i = 0; i < seqs.length; i++) {
      buffer.appendLong(seqs[i]).appendInt(outcomes[i]).appendInt(waitedMicros[i]);
    }
    return buffer;
  }

  static Confirmation from(Buffer buffer) {
    int nodeLength = buffer.getInt(0);
    String node = buffer.getString(4, 4 + nodeLength, "UTF-8");
    int at = 4 + nodeLength;
    int stream = buffer.getInt(at);
    int size = buffer.getInt(at + 4);
    at += 8;
    long[] seqs = new long[size];
    int[] outcomes = new int[size];
    int[] waited = new int[size];
    for (int i = 0; i < size; i++) {
      seqs[i] = buffer.getLong(at);
      outcomes[i] = buffer.getInt(at + 8);
      waited[i] = buffer.getInt(at + 12);
      at += 16;
    }
    return new Confirmation(node, stream, seqs, outcomes, waited);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Confirmation that
        && node.equals(that.node)
        && stream == that.stream
        && Arrays.equals(seqs, that.seqs)
        && Arrays.equals(outcomes, that.outcomes)
        && Arrays.equals(waitedMicros, that.waitedMicros);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(seqs) * 31 + stream;
  }

  @Override
  public String toString() {
    return "Confirmation[node="
        + node
        + ", stream="
        + stream
        + ", seqs="
        + Arrays.toString(seqs)
        + ", outcomes="
        + Arrays.toString(outcomes)
        + "]";
  }
}
