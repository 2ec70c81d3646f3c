package dev.signaling.node;

import dev.signaling.node.cluster.ClusterView;
import dev.signaling.node.routing.NodeDepartures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Watches the membership for a node's departure, for a frame sent to a node that stopped answering:
 * looks every {@link #EVERY} until the node is gone or the cluster has had the time to declare it
 * dead ({@code CLUSTER_MAX_NO_HEARTBEAT_SECONDS} and a margin) and did not.
 */
final class MembershipWatch implements NodeDepartures {
  private static final Duration EVERY = Duration.ofMillis(200);

  private final Vertx vertx;
  private final ClusterView view;
  private final Duration patience;

  MembershipWatch(Vertx vertx, ClusterView view, Duration patience) {
    this.vertx = vertx;
    this.view = view;
    this.patience = patience;
  }

  @Override
  public Future<Boolean> leaves(String node) {
    Promise<Boolean> gone = Promise.promise();
    long deadline = System.nanoTime() + patience.toNanos();
    vertx.setPeriodic(
        0,
        EVERY.toMillis(),
        tick -> {
          if (!view.members().contains(node)) {
            vertx.cancelTimer(tick);
            gone.tryComplete(true);
          } else if (System.nanoTime() > deadline) {
            vertx.cancelTimer(tick);
            gone.tryComplete(false);
          }
        });
    return gone.future();
  }
}
