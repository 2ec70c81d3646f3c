package dev.signaling.node.rooms;

import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back, in one room, the memberships of this node's members that the registry lost, and
 * removes memberships the registry holds for sessions of this node that are not in the room here.
 * Used on {@link RoomService}'s context.
 */
final class RoomRestorer {
  private static final Logger LOG = LoggerFactory.getLogger(RoomRestorer.class);

  private final RoomRegistry registry;
  private final String nodeId;
  private final Function<String, LocalRoom> rooms;

  /**
   * @param rooms this node's rooms by name, as they are now
   */
  RoomRestorer(RoomRegistry registry, String nodeId, Function<String, LocalRoom> rooms) {
    this.registry = registry;
    this.nodeId = nodeId;
    this.rooms = rooms;
  }

  /** Completes with how many memberships were put back. */
  Future<Integer> restore(LocalRoom local, Predicate<RoomMember> present) {
    Map<String, PresenceEntry> ours = new LinkedHashMap<>();
    Set<String> twice = new HashSet<>();
    for (LocalMember member : local.members.values()) {
      if (member.seen != null
          && present.test(member.session)
          && ours.putIfAbsent(
                  member.session.name(), new PresenceEntry(nodeId, member.session.sessionId()))
              != null) {
        twice.add(member.session.name());
      }
    }
    // Two sessions of one name: one of them is being replaced, and the next pass will know which.
    twice.forEach(ours::remove);
    if (ours.isEmpty()) {
      return Future.succeededFuture(0);
    }
    // A member's join may have answered a version the watch has not delivered yet.
    long lastSeen =
        local.members.values().stream()
            .filter(member -> member.seen != null)
            .mapToLong(member -> member.seen.version())
            .reduce(local.highestVersion, Math::max);
    // Read first: a room in place, the rule, costs no write and no entry processor.
    return registry
        .get(local.name)
        .compose(
            stored -> {
              boolean inPlace =
                  stored.version() >= lastSeen
                      && ours.keySet().stream().allMatch(stored.members()::containsKey);
              return inPlace
                  ? Future.succeededFuture(new RoomRestore(stored, List.of()))
                  : registry.restore(local.name, ours, lastSeen);
            })
        .map(
            restore -> {
              // The restored state reaches the members through the watch, in order with every other
              // state.
              removeGhosts(local.name, restore.state());
              return restore.restored().size();
            });
  }

  /**
   * Removes memberships of this node's sessions that are not in the room here: a restore that
   * crossed the member's own leave, or a leave that never landed.
   */
  private void removeGhosts(String room, RoomState state) {
    LocalRoom current = rooms.apply(room);
    state
        .members()
        .forEach(
            (name, entry) -> {
              if (entry.node().equals(nodeId)
                  && (current == null || !current.members.containsKey(entry.session()))) {
                registry
                    .leave(room, name, entry.session())
                    .onFailure(
                        failed ->
                            LOG.warn(
                                "could not remove a membership of a session no longer here",
                                failed));
              }
            });
  }
}
