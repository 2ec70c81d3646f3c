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
 */
public record Delivery(String sender, String frame, List<Recipient> recipients, long sentAt) {

  public Delivery {
    recipients = List.copyOf(recipients);
  }

  /** A session the frame is for: the user's name and the session id it logged in with. */
  public record Recipient(String name, String session) {}
}
