package dev.signaling.node.presence;

import io.vertx.core.Future;
import java.util.Set;

/**
 * Who is online and on which node. Futures complete on the caller's Vert.x context; no implementation
 * blocks an event loop.
 */
public interface Presence {

  /** Records {@code entry} for {@code name}; completes with the entry it replaced, or {@code null}. */
  Future<PresenceEntry> claim(String name, PresenceEntry entry);

  /** Completes with the entry of {@code name}, or {@code null} when the user is not online. */
  Future<PresenceEntry> lookup(String name);

  /**
   * Removes the entry of {@code name} if it still belongs to {@code session}: a newer login of the same
   * name is never removed by the close of an older one. Completes with whether an entry was removed.
   */
  Future<Boolean> release(String name, String session);

  /** Removes every entry of {@code node}; completes with how many were removed. */
  Future<Integer> removeNode(String node);

  /** Removes every entry whose node is not in {@code liveNodes}; completes with how many were removed. */
  Future<Integer> removeAllExcept(Set<String> liveNodes);

  /** How many users are online, cluster-wide. */
  Future<Integer> size();
}
