package dev.signaling.node.rooms;

import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Rooms of a single node without a cluster. Each change is made and announced to watchers under the
 * room's lock, so watchers see every room's states in version order.
 */
public final class LocalRoomRegistry implements RoomRegistry {
  private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();
  private final Map<String, CopyOnWriteArrayList<Consumer<RoomState>>> watchers =
      new ConcurrentHashMap<>();

  @Override
  public Future<JoinOutcome> join(String room, String name, PresenceEntry member, int maxMembers) {
    return Future.succeededFuture(
        mutate(room, state -> RoomMutations.join(state, name, member, maxMembers)));
  }

  @Override
  public Future<Boolean> leave(String room, String name, String session) {
    return Future.succeededFuture(mutate(room, state -> RoomMutations.leave(state, name, session)));
  }

  @Override
  public Future<RoomRestore> restore(
      String room, Map<String, PresenceEntry> ours, long lastSeenVersion) {
    return Future.succeededFuture(
        mutate(room, state -> RoomMutations.restore(state, ours, lastSeenVersion)));
  }

  @Override
  public Future<RoomState> get(String room) {
    return Future.succeededFuture(rooms.getOrDefault(room, RoomState.EMPTY));
  }

  @Override
  public Future<RoomWatch> watch(String room, Consumer<RoomState> listener) {
    watchers.computeIfAbsent(room, key -> new CopyOnWriteArrayList<>()).add(listener);
    return Future.succeededFuture(
        () -> {
          watchers.computeIfPresent(
              room,
              (key, list) -> {
                list.remove(listener);
                return list.isEmpty() ? null : list;
              });
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Integer> count() {
    return Future.succeededFuture(rooms.size());
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return removeMembers(entry -> entry.node().equals(node));
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return removeMembers(entry -> !liveNodes.contains(entry.node()));
  }

  private Future<Set<String>> removeMembers(Predicate<PresenceEntry> doomed) {
    Set<String> removed = new HashSet<>();
    for (String room : rooms.keySet()) {
      removed.addAll(List.of(mutate(room, state -> RoomMutations.removeMembers(state, doomed))));
    }
    return Future.succeededFuture(removed);
  }

  private <T> T mutate(String room, Function<RoomState, RoomMutations.Result<T>> mutation) {
    Object[] outcome = new Object[1];
    rooms.compute(
        room,
        (key, current) -> {
          RoomMutations.Result<T> result = mutation.apply(current);
          outcome[0] = result.outcome();
          if (result.next() != current) {
            announce(room, result.next());
          }
          return result.next();
        });
    @SuppressWarnings("unchecked")
    T typed = (T) outcome[0];
    return typed;
  }

  private void announce(String room, RoomState state) {
    var listeners = watchers.get(room);
    if (listeners != null) {
      listeners.forEach(listener -> listener.accept(state));
    }
  }
}
