package dev.signaling.node.cluster;

import dev.signaling.node.base.NodeScopedState;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what departed nodes left behind (presence entries, room memberships), so that nobody is
 * routed to a dead node and no room keeps a ghost.
 *
 * <p>Every survivor reaps a departed node as soon as membership says it left: the removal is
 * idempotent, so doing it on every node costs little and does not depend on any one of them.
 * Membership events can be missed (a node starting while another dies, a listener failing), so the
 * oldest member also sweeps periodically for entries of any node that is no longer a member.
 */
public final class NodeReaper {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReaper.class);

  private final Vertx vertx;
  private final ClusterView cluster;
  private final List<NodeScopedState> states;
  private final Duration reconcileInterval;
  private final ClusterMetrics metrics;
  private final BiConsumer<NodeScopedState, Set<String>> onReaped;
  private long timer = -1;

  /**
   * Set while this node rejoins after a split: its view of the members is its own, not the
   * cluster's.
   */
  private volatile boolean rejoining;

  /** The members at the previous sweep's tick, touched only by the sweep's timer. */
  private Set<String> membersAtLastTick = Set.of();

  /**
   * @param onReaped told which users' entries were removed from which state, when any were
   */
  public NodeReaper(
      Vertx vertx,
      ClusterView cluster,
      List<NodeScopedState> states,
      Duration reconcileInterval,
      ClusterMetrics metrics,
      BiConsumer<NodeScopedState, Set<String>> onReaped) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.states = List.copyOf(states);
    this.reconcileInterval = reconcileInterval;
    this.metrics = metrics;
    this.onReaped = onReaped;
  }

  public void start() {
    cluster.onMemberLeft(this::reap);
    cluster.onRejoinAfterSplit(() -> rejoining = true);
    cluster.onMergeCompleted(() -> rejoining = false);
    timer = vertx.setPeriodic(reconcileInterval.toMillis(), tick -> reconcile());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void reap(String node) {
    for (NodeScopedState state : states) {
      state
          .removeNode(node)
          .onComplete(
              removed -> {
                recordReaped(state, removed);
                LOG.info(
                    "reaped {} {} of departed node {}", removed.size(), state.entriesName(), node);
              },
              failed ->
                  LOG.warn(
                      "could not reap {} of departed node {}; the next sweep will",
                      state.entriesName(),
                      node,
                      failed));
    }
  }

  private void recordReaped(NodeScopedState state, Set<String> removed) {
    metrics.reaped(state, removed.size());
    if (!removed.isEmpty()) {
      onReaped.accept(state, removed);
    }
  }

  /**
   * Sweeps only on a membership that has held for a whole period. A node rejoining after a split
   * lists itself alone until the merge completes, and believes itself the oldest member: a sweep
   * then would remove every other node's entries from the merged cluster (they were seen to go, all
   * of them, and come back only by each node's re-assertion). A sweep started just before a node
   * joins can still remove that node's first entries; its re-assertion restores them.
   */
  void reconcile() {
    Set<String> members = cluster.members();
    boolean steady = members.equals(membersAtLastTick);
    membersAtLastTick = members;
    if (rejoining || !steady || !cluster.isOldestMember()) {
      return;
    }
    for (NodeScopedState state : states) {
      state
          .removeAllExcept(members)
          .onComplete(
              removed -> {
                recordReaped(state, removed);
                if (!removed.isEmpty()) {
                  LOG.info(
                      "reconciliation reaped {} {} of nodes that are no longer members",
                      removed.size(),
                      state.entriesName());
                }
              },
              failed -> LOG.warn("reconciliation of {} failed", state.entriesName(), failed));
    }
  }
}
