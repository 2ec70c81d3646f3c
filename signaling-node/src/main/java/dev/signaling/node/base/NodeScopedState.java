package dev.signaling.node.base;

import io.vertx.core.Future;
import java.util.Set;

/** Cluster-wide state whose entries belong to nodes and must go when their node does. */
public interface NodeScopedState {

  /** Removes every entry of {@code node}; completes with the user names of the removed entries. */
  Future<Set<String>> removeNode(String node);

  /**
   * Removes every entry whose node is not in {@code liveNodes}; completes with the user names
   * removed.
   */
  Future<Set<String>> removeAllExcept(Set<String> liveNodes);

  /** What the entries are, for log lines: "presence entries", "room memberships". */
  String entriesName();
}
