package dev.signaling.node;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.cluster.ClusterView;
import dev.signaling.node.routing.NodeDepartures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the membership for a node's departure, for a frame sent to a node that stopped answering:
 * looks every {@link #EVERY} until the node is gone or the cluster has had the time to declare it
 * dead ({@code CLUSTER_MAX_NO_HEARTBEAT_SECONDS} and a margin) and did not.
 *
 * <p>One watch per node, shared by every frame that waits on it. Frames time out together (a node
 * frozen under load, or a cold node falling behind): a watch of its own for each of them, each
 * reading the member list five times a second for seconds, made an overloaded node busier still, a
 * fifth of its CPU samples in one profile.
 */
final class MembershipWatch implements NodeDepartures {
  private static final Duration EVERY = Duration.ofMillis(200);

  private final Vertx vertx;
  private final ClusterView view;
  private final Duration patience;
  private final Map<String, Future<Boolean>> watches = new ConcurrentHashMap<>();

  MembershipWatch(Vertx vertx, ClusterView view, Duration patience) {
    this.vertx = vertx;
    this.view = view;
    this.patience = patience;
  }

  /** The outcome of {@code node}'s watch, with callbacks on the caller's context. */
  @Override
  public Future<Boolean> leaves(String node) {
    Future<Boolean> watch = watches.computeIfAbsent(node, this::watch);
    if (watch.isComplete()) {
      // Over, and not yet removed: its answer is about an earlier silence.
      watches.remove(node, watch);
      watch = watches.computeIfAbsent(node, this::watch);
    }
    return OwnerContext.onCaller(watch);
  }

  /** How many nodes are being watched: for the tests. */
  int watching() {
    return watches.size();
  }

  private Future<Boolean> watch(String node) {
    Promise<Boolean> gone = Promise.promise();
    long deadline = System.nanoTime() + patience.toNanos();
    vertx.setPeriodic(
        EVERY.toMillis(),
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
    Future<Boolean> watch = gone.future();
    // A later failure starts a watch of its own: a node that was only paused may stop answering
    // again.
    watch.onComplete(done -> watches.remove(node, watch));
    return watch;
  }
}
