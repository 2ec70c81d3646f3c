package dev.signaling.node.rooms;

import dev.signaling.node.base.NodeScopedState;
import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Room membership, cluster-wide. Futures complete on the caller's Vert.x context; no implementation
 * blocks an event loop.
 */
public interface RoomRegistry extends NodeScopedState {

  /**
   * Adds {@code name} (connected as {@code member}) unless the room already has {@code maxMembers}.
   */
  Future<JoinOutcome> join(String room, String name, PresenceEntry member, int maxMembers);

  /**
   * Removes {@code name} if it is still the member of that session; completes with whether it was.
   */
  Future<Boolean> leave(String room, String name, String session);

  /**
   * Re-asserts a node's members of {@code room} ({@code ours}: name to the session it joined with),
   * the node being the authority on its sessions: puts back those the room lacks (a name held by
   * another session is left alone: a newer login's), re-creating a room that was lost, and lifts a
   * room that stands below {@code lastSeenVersion}, the highest version the node saw, above it.
   * Stores nothing when everything is in place. Completes with the room as stored afterwards and
   * who was put back.
   */
  Future<RoomRestore> restore(String room, Map<String, PresenceEntry> ours, long lastSeenVersion);

  /** The room as stored now; {@link RoomState#EMPTY} when nobody is in it. */
  Future<RoomState> get(String room);

  /**
   * Calls {@code listener} with every state the room takes from now on, in version order, and with
   * {@code null} when the room empties. Listeners must not block: they run on the registry's
   * threads. Completes once the watch is in place, so that no change after it is missed.
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
