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

  private void reconcile() {
    if (!cluster.isOldestMember()) {
      return;
    }
    Set<String> members = cluster.members();
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
