package dev.signaling.node.presence;

import java.io.Serializable;
import java.util.List;

/**
 * A user's entry as the presence map stores it: where its session is, and, for resuming it, a hash
 * of its resume token, the rooms it is in, and while it is away until when and what is held for it.
 * Immutable; {@link PresenceRules} makes the next one.
 *
 * @param awayUntil epoch milliseconds until which an away session may be resumed; 0 while connected
 * @param resumeKey hash of the session's current resume token; empty when it cannot be resumed
 * @param rooms the rooms the session is in, to keep them through a resume
 * @param held frames for the session while it is away, oldest first
 */
public record PresenceRecord(
    String node,
    String session,
    long awayUntil,
    String resumeKey,
    List<String> rooms,
    List<HeldMessage> held)
    implements Serializable {

  public PresenceRecord {
    rooms = List.copyOf(rooms);
    held = List.copyOf(held);
  }

  /** A session just logged in, connected. */
  public static PresenceRecord connected(PresenceEntry entry, String resumeKey) {
    return new PresenceRecord(entry.node(), entry.session(), 0, resumeKey, List.of(), List.of());
  }

  public boolean isAway() {
    return awayUntil > 0;
  }

  public PresenceEntry entry() {
    return new PresenceEntry(node, session, isAway());
  }

  public int heldBytes() {
    return held.stream().mapToInt(HeldMessage::size).sum();
  }
}
