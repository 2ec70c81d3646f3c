package dev.signaling.node.rooms;

import dev.signaling.node.presence.PresenceEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The rules of room membership as pure functions of a room's state, shared by every {@link
 * RoomRegistry} so that one node and a cluster behave alike. A result whose {@code next} is the
 * same object as the input means nothing changed and nothing is stored; {@code null} means the room
 * is now empty and removed, so an empty room costs nothing.
 */
final class RoomMutations {
  /** How far above the last version a node saw a room restored after its loss starts. */
  static final long RESTORED_VERSION_GAP = 1_000;

  private RoomMutations() {}

  record Result<T>(RoomState next, T outcome) {}

  static Result<JoinOutcome> join(
      RoomState current, String name, PresenceEntry member, int maxMembers) {
    RoomState state = current == null ? RoomState.EMPTY : current;
    PresenceEntry existing = state.members().get(name);
    if (member.equals(existing)) {
      return new Result<>(current, new JoinOutcome(true, state));
    }
    Map<String, PresenceEntry> members = new LinkedHashMap<>(state.members());
    if (existing != null) {
      // The same name from a newer login: members see no change, but routing must learn the new
      // session.
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
    String[] names =
        current.members().entrySet().stream()
            .filter(entry -> doomed.test(entry.getValue()))
            .map(Map.Entry::getKey)
            .toArray(String[]::new);
    if (names.length == 0) {
      return new Result<>(current, names);
    }
    return new Result<>(without(current, entry -> doomed.test(entry.getValue())), names);
  }

  /**
   * Puts back those of {@code ours} (a node's members) that the room lacks; a name held by another
   * session is left alone, a newer login's. A room that was lost and started again (at version 1,
   * from a join) stands below {@code lastSeenVersion}: it is lifted above, or members that joined
   * at a higher version would take every later state for one they already know. The stored state
   * records no changes: each node tells its members what differs from the last state they knew (see
   * {@code RoomService}).
   */
  static Result<RoomRestore> restore(
      RoomState current, Map<String, PresenceEntry> ours, long lastSeenVersion) {
    RoomState state = current == null ? RoomState.EMPTY : current;
    Map<String, PresenceEntry> members = new LinkedHashMap<>(state.members());
    List<String> restored = new ArrayList<>();
    ours.forEach(
        (name, entry) -> {
          if (members.putIfAbsent(name, entry) == null) {
            restored.add(name);
          }
        });
    boolean fellBehind = state.version() < lastSeenVersion;
    if (members.isEmpty() || (restored.isEmpty() && !fellBehind)) {
      return new Result<>(current, new RoomRestore(state, List.of()));
    }
    // A gap, not one more: other nodes may have seen a few states more than this one before the
    // loss.
    long version = fellBehind ? lastSeenVersion + RESTORED_VERSION_GAP : state.version() + 1;
    RoomState next = new RoomState(version, members, List.of());
    return new Result<>(next, new RoomRestore(next, restored));
  }

  private static RoomState without(
      RoomState current, Predicate<Map.Entry<String, PresenceEntry>> leaving) {
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
