package dev.signaling.node.rooms;

import dev.signaling.node.presence.PresenceEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The rules of room membership as pure functions of a room's state, shared by every {@link RoomRegistry}
 * so that one node and a cluster behave alike. A result whose {@code next} is the same object as the
 * input means nothing changed and nothing is stored; {@code null} means the room is now empty and
 * removed, so an empty room costs nothing.
 */
final class RoomMutations {
  private RoomMutations() {
  }

  record Result<T>(RoomState next, T outcome) {
  }

  static Result<JoinOutcome> join(RoomState current, String name, PresenceEntry member, int maxMembers) {
    RoomState state = current == null ? RoomState.EMPTY : current;
    PresenceEntry existing = state.members().get(name);
    if (member.equals(existing)) {
      return new Result<>(current, new JoinOutcome(true, state));
    }
    Map<String, PresenceEntry> members = new LinkedHashMap<>(state.members());
    if (existing != null) {
      // The same name from a newer login: members see no change, but routing must learn the new session.
      members.put(name, member);
      RoomState next = state.next(members, List.of());
      return new Result<>(next, new JoinOutcome(true, next));
    }
    if (members.size() >= maxMembers) {
      return new Result<>(current, new JoinOutcome(false, state));
    }
    members.put(name, member);
    RoomState next = state.next(members, List.of(new RoomChange(name, true)));
    return new Result<>(next, new JoinOutcome(true, next));
  }

  static Result<Boolean> leave(RoomState current, String name, String session) {
    if (current == null) {
      return new Result<>(null, false);
    }
    PresenceEntry existing = current.members().get(name);
    if (existing == null || !existing.session().equals(session)) {
      return new Result<>(current, false);
    }
    return new Result<>(without(current, entry -> entry.getKey().equals(name)), true);
  }

  /** Removes the members whose entry matches {@code doomed}; the outcome is their names. */
  static Result<String[]> removeMembers(RoomState current, Predicate<PresenceEntry> doomed) {
    if (current == null) {
      return new Result<>(null, new String[0]);
    }
    String[] names = current.members().entrySet().stream()
        .filter(entry -> doomed.test(entry.getValue()))
        .map(Map.Entry::getKey)
        .toArray(String[]::new);
    if (names.length == 0) {
      return new Result<>(current, names);
    }
    return new Result<>(without(current, entry -> doomed.test(entry.getValue())), names);
  }

  private static RoomState without(RoomState current, Predicate<Map.Entry<String, PresenceEntry>> leaving) {
    Map<String, PresenceEntry> members = new LinkedHashMap<>();
    List<RoomChange> changes = new ArrayList<>();
    for (Map.Entry<String, PresenceEntry> entry : current.members().entrySet()) {
      if (leaving.test(entry)) {
        changes.add(new RoomChange(entry.getKey(), false));
      } else {
        members.put(entry.getKey(), entry.getValue());
      }
    }
    return members.isEmpty() ? null : current.next(members, changes);
  }
}
