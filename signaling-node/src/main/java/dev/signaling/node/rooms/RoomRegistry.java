package dev.signaling.node.rooms;

import dev.signaling.node.cluster.NodeScopedState;
import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Room membership, cluster-wide. Futures complete on the caller's Vert.x context; no implementation
 * blocks an event loop.
 */
public interface RoomRegistry extends NodeScopedState {

  /** Adds {@code name} (connected as {@code member}) unless the room already has {@code maxMembers}. */
  Future<JoinOutcome> join(String room, String name, PresenceEntry member, int maxMembers);

  /** Removes {@code name} if it is still the member of that session; completes with whether it was. */
  Future<Boolean> leave(String room, String name, String session);

  /** The room as stored now; {@link RoomState#EMPTY} when nobody is in it. */
  Future<RoomState> get(String room);

  /**
   * Calls {@code listener} with every state the room takes from now on, in version order, and with
   * {@code null} when the room empties. Listeners must not block: they run on the registry's threads.
   * Completes once the watch is in place, so that no change after it is missed.
   */
  Future<RoomWatch> watch(String room, Consumer<RoomState> listener);

  /** How many rooms have members, cluster-wide. */
  Future<Integer> count();

  @Override
  default String entriesName() {
    return "room memberships";
  }

  /** A watch in place; {@link #cancel()} ends it. */
  interface RoomWatch {
    Future<Void> cancel();
  }
}
