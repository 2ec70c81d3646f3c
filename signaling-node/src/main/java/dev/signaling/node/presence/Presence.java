package dev.signaling.node.presence;

import dev.signaling.node.cluster.NodeScopedState;
import io.vertx.core.Future;

/**
 * Who is online and on which node. Futures complete on the caller's Vert.x context; no implementation
 * blocks an event loop.
 */
public interface Presence extends NodeScopedState {

  /** Records {@code entry} for {@code name}; completes with the entry it replaced, or {@code null}. */
  Future<PresenceEntry> claim(String name, PresenceEntry entry);

  /** Completes with the entry of {@code name}, or {@code null} when the user is not online. */
  Future<PresenceEntry> lookup(String name);

  /**
   * Where {@code name} is connected, answered from what this node learnt lately when it can: fast, but
   * possibly out of date by the time it takes a change to reach this node. Whoever uses the answer must
   * check it (a delivery to a session that is no longer there) and then ask {@link #locateAgain}.
   */
  default Future<PresenceEntry> locate(String name) {
    return lookup(name);
  }

  /**
   * Where {@code name} is connected according to the presence map itself, for when an answer of
   * {@link #locate} turned out to be out of date: what this node remembered of the user is replaced by
   * the map's answer, so that the next {@code locate} does not repeat the mistake.
   */
  default Future<PresenceEntry> locateAgain(String name) {
    return lookup(name);
  }

  /**
   * Removes the entry of {@code name} if it still belongs to {@code session}: a newer login of the same
   * name is never removed by the close of an older one. Completes with whether an entry was removed.
   */
  Future<Boolean> release(String name, String session);

  /** How many users are online, cluster-wide. */
  Future<Integer> size();

  @Override
  default String entriesName() {
    return "presence entries";
  }
}
