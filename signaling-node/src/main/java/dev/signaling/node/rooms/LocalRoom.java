package dev.signaling.node.rooms;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * A room with at least one member on this node: {@link RoomService}'s state, touched only on its
 * context.
 */
final class LocalRoom {
  final String name;
  final Map<String, LocalMember> members = new HashMap<>();
  Future<RoomRegistry.RoomWatch> watch;
  RoomState latest;

  /**
   * The newest state a join of this node's answered with, which the watch may not have reported
   * yet: messages go by it, so that a member who has been told {@code joined} is reached at once.
   */
  RoomState joinedLatest;

  /** The highest version watched: a lower one means the room was lost and started again. */
  long highestVersion;

  LocalRoom(String name) {
    this.name = name;
  }
}
