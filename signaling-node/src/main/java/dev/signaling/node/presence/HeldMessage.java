package dev.signaling.node.presence;

import java.io.Serializable;

/**
 * A frame held for a user who is away, with what it takes to tell its sender how it ended.
 *
 * @param frame the frame as it is to be written, {@code from} included
 * @param sender the sender's name, for the target's recent peers
 * @param senderNode the node whose sender waits for the outcome
 * @param ref the sender's node's reference for that outcome
 */
public record HeldMessage(String frame, String sender, String senderNode, long ref)
    implements Serializable {

  /** What the frame counts against a buffer's byte limit. */
  public int size() {
    return frame.length();
  }
}
