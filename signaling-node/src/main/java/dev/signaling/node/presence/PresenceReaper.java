package dev.signaling.node.presence;

import dev.signaling.node.cluster.ClusterView;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the presence entries of nodes that are gone, so that nobody is routed to a dead node.
 *
 * <p>Every survivor reaps a departed node as soon as membership says it left: the removal is idempotent,
 * so doing it on every node costs little and does not depend on any one of them. Membership events can be
 * missed (a node starting while another dies, a listener failing), so the oldest member also sweeps
 * periodically for entries of any node that is no longer a member.
 */
public final class PresenceReaper {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceReaper.class);

  private final Vertx vertx;
  private final ClusterView cluster;
  private final Presence presence;
  private final Duration reconcileInterval;
  private long timer = -1;

  public PresenceReaper(Vertx vertx, ClusterView cluster, Presence presence, Duration reconcileInterval) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.presence = presence;
    this.reconcileInterval = reconcileInterval;
  }

  public void start() {
    cluster.onMemberLeft(this::reap);
    timer = vertx.setPeriodic(reconcileInterval.toMillis(), tick -> reconcile());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void reap(String node) {
    presence.removeNode(node).onComplete(
        removed -> LOG.info("reaped {} presence entries of departed node {}", removed, node),
        failed -> LOG.warn("could not reap presence entries of departed node {}; the next sweep will", node,
            failed));
  }

  private void reconcile() {
    if (!cluster.isOldestMember()) {
      return;
    }
    Set<String> members = cluster.members();
    presence.removeAllExcept(members).onComplete(
        removed -> {
          if (removed > 0) {
            LOG.info("reconciliation reaped {} presence entries of nodes that are no longer members", removed);
          }
        },
        failed -> LOG.warn("presence reconciliation failed", failed));
  }
}
