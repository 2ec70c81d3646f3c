package dev.signaling.node.rooms;

import dev.signaling.node.presence.PresenceEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room as the cluster stores it: its members in the order they joined, where each is connected,
 * and the change that produced this version. Immutable; every change makes a new state with the
 * next version, and watchers receive the states of one room in version order.
 *
 * @param version increases by one with every stored change
 * @param members member name to the session it joined with
 * @param changes who came or went in the change that made this version; empty when only a member's
 *     session changed (the same name joined again from a new login)
 */
public record RoomState(
    long version, Map<String, PresenceEntry> members, List<RoomChange> changes) {

  public static final RoomState EMPTY = new RoomState(0, Map.of(), List.of());

  public RoomState {
    members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    changes = List.copyOf(changes);
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  /**
   * Who came and went between {@code earlier} and this state, for states that do not follow each
   * other: a room restored after its entry was lost, which records no changes of its own.
   */
  public List<RoomChange> changesSince(RoomState earlier) {
    List<RoomChange> differences = new ArrayList<>();
    for (String name : earlier.members.keySet()) {
      if (!members.containsKey(name)) {
        differences.add(new RoomChange(name, false));
      }
    }
    for (String name : members.keySet()) {
      if (!earlier.members.containsKey(name)) {
        differences.add(new RoomChange(name, true));
      }
    }
    return differences;
  }

  /** The next version: these members, after these changes. */
  RoomState next(Map<String, PresenceEntry> nextMembers, List<RoomChange> nextChanges) {
    return new RoomState(version + 1, nextMembers, nextChanges);
  }
}
