package dev.signaling.node.cluster;

import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Consumer;

/** This node's view of the cluster's membership. */
public interface ClusterView {

  /** This node's id: the Vert.x node id, also the name of its event-bus addresses. */
  String nodeId();

  /** The ids of the current members, this node included. */
  Set<String> members();

  /** A member count for log lines: "1 member", "3 members". */
  static String memberCount(int count) {
    return count + (count == 1 ? " member" : " members");
  }

  /**
   * Whether this node is the cluster's oldest member. The oldest member's member list is the
   * authoritative one, so whole-cluster sweeps run there only.
   */
  boolean isOldestMember();

  /**
   * Whether every partition of the cluster's data has its backups in place, so that losing one
   * member loses nothing. Completes on the caller's context.
   */
  Future<Boolean> isSafe();

  /**
   * Calls {@code listener} when this node rejoins after a split (a network partition healed, or it
   * was frozen long enough to be declared dead): its side of the split lost, and what it knows of
   * presence and rooms is being discarded.
   */
  default void onRejoinAfterSplit(Runnable listener) {
    // Views of a cluster that cannot split have nothing to report.
  }

  /**
   * Calls {@code listener} when this node's rejoin after a split has completed: the cluster's
   * presence and rooms are the winning side's from now on.
   */
  default void onMergeCompleted(Runnable listener) {
    // Views of a cluster that cannot split have nothing to report.
  }

  /** Calls {@code listener} with the id of each member that leaves or is declared dead. */
  void onMemberLeft(Consumer<String> listener);

  /**
   * Calls {@code listener} with the id of each member that joins (a node starting, or a split
   * healing).
   */
  default void onMemberJoined(Consumer<String> listener) {
    // Nobody else can join a single node.
  }
}
