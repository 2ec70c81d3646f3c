package dev.signaling.node.session;

import dev.signaling.node.base.NodeScopedState;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.rooms.RoomRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Set;

/**
 * What the reaper of departed nodes does with their entries when sessions may be resumed: a dead
 * node's users become away, as if their connections had ended, with their window counted from the
 * node's departure; their presence and room memberships stay until they resume elsewhere or the
 * window ends (see {@link Departures#expireDue}). Nobody is gone yet, so none is reported reaped.
 */
public final class AwayOnDeparture {
  private AwayOnDeparture() {}

  /** Presence entries of departed nodes become away instead of being removed. */
  public static NodeScopedState presence(Presence presence, Duration window) {
    return new NodeScopedState() {
      @Override
      public Future<Set<String>> removeNode(String node) {
        return presence.nodeLeft(node, until(window)).map(away -> Set.of());
      }

      @Override
      public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
        return presence.nodesLeft(liveNodes, until(window)).map(away -> Set.of());
      }

      @Override
      public String entriesName() {
        return presence.entriesName();
      }
    };
  }

  /** Room memberships of departed nodes stay: the members' windows decide. */
  public static NodeScopedState rooms(RoomRegistry rooms) {
    return new NodeScopedState() {
      @Override
      public Future<Set<String>> removeNode(String node) {
        return Future.succeededFuture(Set.of());
      }

      @Override
      public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
        return Future.succeededFuture(Set.of());
      }

      @Override
      public String entriesName() {
        return rooms.entriesName();
      }
    };
  }

  private static long until(Duration window) {
    return System.currentTimeMillis() + window.toMillis();
  }
}
