package dev.signaling.node.rooms;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.signaling.node.base.CompletionStages;
import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Rooms in a Hazelcast map, one entry per non-empty room. Changes are entry processors (see {@link
 * RoomProcessors}); watches are key listeners, which Hazelcast delivers in the order the entry
 * changed. A node watches only the rooms its own sessions are in.
 */
public final class HazelcastRoomRegistry implements RoomRegistry {
  /** The map's name; its configuration (backups) is set where the cluster is built. */
  public static final String MAP_NAME = "signaling.rooms";

  private final Vertx vertx;
  private final IMap<String, RoomState> map;

  public HazelcastRoomRegistry(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP_NAME);
  }

  @Override
  public Future<JoinOutcome> join(String room, String name, PresenceEntry member, int maxMembers) {
    return CompletionStages.onCallerContext(
        vertx, map.submitToKey(room, new RoomProcessors.Join(name, member, maxMembers)));
  }

  @Override
  public Future<Boolean> leave(String room, String name, String session) {
    return CompletionStages.onCallerContext(
        vertx, map.submitToKey(room, new RoomProcessors.Leave(name, session)));
  }

  @Override
  public Future<RoomRestore> restore(
      String room, Map<String, PresenceEntry> ours, long lastSeenVersion) {
    return CompletionStages.onCallerContext(
        vertx, map.submitToKey(room, new RoomProcessors.Restore(ours, lastSeenVersion)));
  }

  @Override
  public Future<RoomState> get(String room) {
    return CompletionStages.onCallerContext(vertx, map.getAsync(room))
        .map(state -> state == null ? RoomState.EMPTY : state);
  }

  @Override
  public Future<RoomWatch> watch(String room, Consumer<RoomState> listener) {
    // Registering a listener is a blocking, cluster-wide operation: once per room and node, off the
    // loop.
    return vertx.executeBlocking(
        () -> {
          UUID registration = map.addEntryListener(new StateListener(listener), room, true);
          return () ->
              vertx.<Void>executeBlocking(
                  () -> {
                    map.removeEntryListener(registration);
                    return null;
                  },
                  false);
        },
        false);
  }

  @Override
  public Future<Integer> count() {
    return vertx.executeBlocking(map::size, false);
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return removeMembers(new RoomProcessors.RemoveNodes(Set.of(node), false));
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return removeMembers(new RoomProcessors.RemoveNodes(liveNodes, true));
  }

  private Future<Set<String>> removeMembers(RoomProcessors.RemoveNodes processor) {
    // Every room is visited: membership is not indexed by node. Sweeps are rare (a node left, or
    // the periodic reconciliation), and each room is changed under its own lock.
    return vertx.executeBlocking(
        () -> {
          Map<String, String[]> removed = map.executeOnEntries(processor);
          Set<String> names = new HashSet<>();
          removed.values().forEach(members -> names.addAll(List.of(members)));
          return names;
        },
        false);
  }

  /** Hands each stored state of one room to a listener; {@code null} when the room empties. */
  private record StateListener(Consumer<RoomState> listener)
      implements EntryAddedListener<String, RoomState>,
          EntryUpdatedListener<String, RoomState>,
          EntryRemovedListener<String, RoomState> {

    @Override
    public void entryAdded(EntryEvent<String, RoomState> event) {
      listener.accept(event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, RoomState> event) {
      listener.accept(event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, RoomState> event) {
      listener.accept(null);
    }
  }
}
