package dev.signaling.node.routing;

import java.util.List;

/**
 * One frame for one or more sessions on the same node, as it crosses the event bus: a message for a
 * user has one recipient, a room message one per member on that node. The sender's name comes along
 * so that a recipient knows whom it talked with (see {@code peer-left}); empty for server notices.
 */
public record Delivery(String sender, String frame, List<Recipient> recipients) {

  public Delivery {
    recipients = List.copyOf(recipients);
  }

  /** A session the frame is for: the user's name and the session id it logged in with. */
  public record Recipient(String name, String session) {}
}
