package dev.signaling.node.routing;

import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Future;
import java.util.Map;

/** Whom a room message goes to: the rooms layer answers, routing delivers. */
@FunctionalInterface
public interface RoomRecipients {

  /**
   * The members of {@code room}, by name, that a message from the session {@code sessionId} of
   * {@code sender} goes to; fails with a refusal (not-in-room) when the sender is not a member.
   */
  Future<Map<String, PresenceEntry>> of(String sender, String sessionId, String room);
}
