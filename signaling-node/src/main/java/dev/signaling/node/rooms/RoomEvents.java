package dev.signaling.node.rooms;

import java.util.Collection;

/**
 * What {@link RoomService} has to tell one member of this node; the session layer writes it to the
 * member's client. Called on the rooms' context, in the order the member is to learn of it.
 */
public interface RoomEvents {

  /**
   * The member is in {@code room}, with {@code users} (the member included); answers its join
   * {@code id}.
   */
  void joined(RoomMember member, String room, Collection<String> users, Object id);

  /** The member has left {@code room}; answers its leave {@code id}. */
  void left(RoomMember member, String room, Object id);

  /** {@code name} came into {@code room} ({@code online}) or went. */
  void presence(RoomMember member, String room, String name, boolean online);
}
