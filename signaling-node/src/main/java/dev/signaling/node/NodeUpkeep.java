package dev.signaling.node;

import dev.signaling.node.cluster.ClusterMetrics;
import dev.signaling.node.cluster.ClusterRuntime;
import dev.signaling.node.cluster.NodeReaper;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.session.PeerLeftNotices;
import dev.signaling.node.session.ReassertionMetrics;
import dev.signaling.node.session.SessionReassertion;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What keeps the shared state true while the node runs: the reaper of departed nodes' entries, the
 * re-assertion of this node's own sessions, {@code peer-left} for users who went with their node,
 * and the cluster-wide gauges.
 */
final class NodeUpkeep {
  /** How often cluster-wide sizes (presence entries, rooms) are refreshed for the metrics. */
  private static final Duration CLUSTER_GAUGE_INTERVAL = Duration.ofSeconds(15);

  /** How long a stop waits for a re-assertion pass under way. */
  private static final Duration REASSERTION_STOP_PATIENCE = Duration.ofSeconds(2);

  /** Where the names of users reaped after their node's death are published to every node. */
  private static final String USERS_GONE_ADDRESS = "signaling.users-gone";

  private final NodeReaper reaper;
  private final SessionReassertion reassertion;

  private NodeUpkeep(NodeReaper reaper, SessionReassertion reassertion) {
    this.reaper = reaper;
    this.reassertion = reassertion;
  }

  static NodeUpkeep start(
      NodeConfig config,
      ClusterRuntime runtime,
      SharedState state,
      LocalSessions sessions,
      RoomService rooms,
      PeerLeftNotices peerLeft,
      MeterRegistry registry) {
    Vertx vertx = runtime.vertx();
    ClusterMetrics clusterMetrics = new ClusterMetrics(registry, runtime.view());
    clusterMetrics.clusterWideGauge(
        vertx,
        "presence_entries",
        "Users online, cluster-wide",
        state.presence()::size,
        CLUSTER_GAUGE_INTERVAL);
    clusterMetrics.clusterWideGauge(
        vertx,
        "rooms",
        "Rooms with members, cluster-wide",
        state.rooms()::count,
        CLUSTER_GAUGE_INTERVAL);
    clusterMetrics.track(state.presence());
    clusterMetrics.track(state.rooms());

    // Each departed user's entry is removed by one survivor only; every node must tell its own
    // sessions.
    vertx
        .eventBus()
        .<JsonArray>consumer(
            USERS_GONE_ADDRESS,
            gone ->
                peerLeft.usersGone(
                    gone.body().stream().map(String::valueOf).collect(Collectors.toSet())));
    NodeReaper reaper =
        new NodeReaper(
            vertx,
            runtime.view(),
            List.of(state.presence(), state.rooms()),
            config.presenceReconcileInterval(),
            clusterMetrics,
            (reaped, users) -> {
              if (reaped == state.presence()) {
                vertx.eventBus().publish(USERS_GONE_ADDRESS, new JsonArray(List.copyOf(users)));
              }
            });
    reaper.start();

    // Periodically, and at once when the cluster may have lost some: a member left or joined, a
    // merge.
    SessionReassertion reassertion =
        new SessionReassertion(
            vertx,
            runtime.view().nodeId(),
            state.presence(),
            sessions,
            rooms,
            config.presenceReassertInterval(),
            new ReassertionMetrics(registry));
    runtime.view().onMemberLeft(left -> reassertion.reassertSoon("member " + left + " left"));
    runtime
        .view()
        .onMemberJoined(joined -> reassertion.reassertSoon("member " + joined + " joined"));
    runtime.view().onMergeCompleted(() -> reassertion.reassertSoon("merge completed"));
    rooms.onMembershipLost(() -> reassertion.reassertSoon("a room lost members of this node"));
    reassertion.start();
    return new NodeUpkeep(reaper, reassertion);
  }

  /** This side lost a split: its open sessions were discarded with its data, and stay so. */
  void setAsideSessionsOpenNow() {
    reassertion.setAsideSessionsOpenNow();
  }

  /**
   * Stops; a re-assertion under way may finish first, but a cluster that does not answer holds
   * nothing up.
   */
  Future<Void> stop() {
    reaper.stop();
    return reassertion
        .stop()
        .timeout(REASSERTION_STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .otherwiseEmpty();
  }
}
