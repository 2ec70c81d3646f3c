package dev.signaling.node.routing;

import java.util.List;

/**
 * One frame for one or more sessions on the same node, as it crosses the event bus: a message for a
 * user has one recipient, a room message one per member on that node. The sender's name comes along
 * so that a recipient knows whom it talked with (see {@code peer-left}); empty for server notices.
 *
 * @param sentAt when the sender's node sent it (epoch ms): a node that gets it only after the
 *     sender stopped waiting (it was frozen, or cut off) does not write it, since the sender may
 *     have been told it was not delivered, or sent it again elsewhere
 * @param streamed where its outcome is confirmed when it was sent without a reply of its own (see
 *     {@link DeliveryStreams}); {@code null} when the sender waits for a reply
 */
public record Delivery(
    String sender, String frame, List<Recipient> recipients, long sentAt, Streamed streamed) {

  public Delivery {
    recipients = List.copyOf(recipients);
  }

  /** A delivery whose outcome is the reply to it. */
  public Delivery(String sender, String frame, List<Recipient> recipients, long sentAt) {
    this(sender, frame, recipients, sentAt, null);
  }

  /** A session the frame is for: the user's name and the session id it logged in with. */
  public record Recipient(String name, String session) {}

  /**
   * The place of a frame in a stream of frames from one event loop of {@code node} to one other
   * node: its outcome is confirmed in that node's next batch for the stream, by number.
   */
  public record Streamed(String node, int stream, long seq) {}
}
