package dev.signaling.node.rooms;

import com.hazelcast.map.EntryProcessor;
import dev.signaling.node.presence.PresenceEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Entry processors that apply {@link RoomMutations} where a room is stored, under its partition's
 * lock: competing joins and leaves of one room are ordered there, and the map's listeners see each
 * stored state in that order. Backups replay the same processor, which is deterministic.
 */
final class RoomProcessors {
  private RoomProcessors() {}

  private static <T> T store(Map.Entry<String, RoomState> entry, RoomMutations.Result<T> result) {
    if (result.next() != entry.getValue()) {
      entry.setValue(result.next());
    }
    return result.outcome();
  }

  static final class Join implements EntryProcessor<String, RoomState, JoinOutcome> {
    private final String name;
    private final String node;
    private final String session;
    private final int maxMembers;

    Join(String name, PresenceEntry member, int maxMembers) {
      this.name = name;
      this.node = member.node();
      this.session = member.session();
      this.maxMembers = maxMembers;
    }

    @Override
    public JoinOutcome process(Map.Entry<String, RoomState> entry) {
      return store(
          entry,
          RoomMutations.join(entry.getValue(), name, new PresenceEntry(node, session), maxMembers));
    }
  }

  static final class Leave implements EntryProcessor<String, RoomState, Boolean> {
    private final String name;
    private final String session;

    Leave(String name, String session) {
      this.name = name;
      this.session = session;
    }

    @Override
    public Boolean process(Map.Entry<String, RoomState> entry) {
      return store(entry, RoomMutations.leave(entry.getValue(), name, session));
    }
  }

  /** Removes the members on the given nodes, or with {@code keepOnly}, on every node but those. */
  static final class RemoveNodes implements EntryProcessor<String, RoomState, String[]> {
    private final Set<String> nodes;
    private final boolean keepOnly;

    RemoveNodes(Set<String> nodes, boolean keepOnly) {
      this.nodes = Set.copyOf(nodes);
      this.keepOnly = keepOnly;
    }

    @Override
    public String[] process(Map.Entry<String, RoomState> entry) {
      return store(
          entry,
          RoomMutations.removeMembers(
              entry.getValue(), member -> nodes.contains(member.node()) != keepOnly));
    }
  }

  static final class Restore implements EntryProcessor<String, RoomState, RoomRestore> {
    private final String[] names;
    private final String[] nodes;
    private final String[] sessions;
    private final long lastSeenVersion;

    Restore(Map<String, PresenceEntry> ours, long lastSeenVersion) {
      this.names = ours.keySet().toArray(String[]::new);
      this.nodes = ours.values().stream().map(PresenceEntry::node).toArray(String[]::new);
      this.sessions = ours.values().stream().map(PresenceEntry::session).toArray(String[]::new);
      this.lastSeenVersion = lastSeenVersion;
    }

    @Override
    public RoomRestore process(Map.Entry<String, RoomState> entry) {
      Map<String, PresenceEntry> ours = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        ours.put(names[i], new PresenceEntry(nodes[i], sessions[i]));
      }
      return store(entry, RoomMutations.restore(entry.getValue(), ours, lastSeenVersion));
    }
  }
}
