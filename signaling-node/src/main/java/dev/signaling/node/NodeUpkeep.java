package dev.signaling.node;

import dev.signaling.node.cluster.ClusterMetrics;
import dev.signaling.node.cluster.ClusterRuntime;
import dev.signaling.node.cluster.NodeReaper;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.config.Resume;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.DeliveryStreams;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.NodeLinks;
import dev.signaling.node.session.AwayOnDeparture;
import dev.signaling.node.session.Departures;
import dev.signaling.node.session.GoneUsers;
import dev.signaling.node.session.PeerLeftNotices;
import dev.signaling.node.session.ReassertionMetrics;
import dev.signaling.node.session.SessionReassertion;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  /** How often the oldest member ends the resume windows that are over. */
  private static final Duration AWAY_SWEEP = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(NodeUpkeep.class);

  private final NodeReaper reaper;
  private final SessionReassertion reassertion;

  private final Vertx vertx;
  private final long awaySweep;

  private NodeUpkeep(
      Vertx vertx, NodeReaper reaper, SessionReassertion reassertion, long awaySweep) {
    this.vertx = vertx;
    this.reaper = reaper;
    this.reassertion = reassertion;
    this.awaySweep = awaySweep;
  }

  static NodeUpkeep start(
      NodeConfig config,
      ClusterRuntime runtime,
      SharedState state,
      LocalSessions sessions,
      RoomService rooms,
      PeerLeftNotices peerLeft,
      Departures departures,
      DeliveryStreams streams,
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
    // sessions. With resume on, a departed node's users are away instead, until their window ends.
    GoneUsers.listen(vertx, peerLeft);
    Resume resume = config.resume();
    NodeReaper reaper =
        new NodeReaper(
            vertx,
            runtime.view(),
            resume.enabled()
                ? List.of(
                    AwayOnDeparture.presence(state.presence(), resume.window()),
                    AwayOnDeparture.rooms(state.rooms()))
                : List.of(state.presence(), state.rooms()),
            config.presenceReconcileInterval(),
            clusterMetrics,
            (reaped, users) -> {
              if (reaped == state.presence()) {
                GoneUsers.announce(vertx, users, "node-failure");
              }
            });
    reaper.start();
    long awaySweep = -1;
    if (resume.enabled()) {
      // The oldest member ends the windows that are over, whoever's node held them.
      awaySweep =
          vertx.setPeriodic(
              AWAY_SWEEP.toMillis(),
              tick -> {
                if (runtime.view().isOldestMember()) {
                  departures
                      .expireDue()
                      .onFailure(failed -> LOG.warn("could not end the away sessions due", failed));
                }
              });
    }

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
    NodeLinks links =
        new NodeLinks(
            vertx,
            runtime.view().nodeId(),
            node -> runtime.view().members().contains(node),
            streams);
    runtime.view().onMemberJoined(links::link);
    runtime.view().onMemberLeft(streams::forget);
    links.linkAll(runtime.view().members());
    rooms.onMembershipLost(() -> reassertion.reassertSoon("a room lost members of this node"));
    reassertion.start();
    return new NodeUpkeep(vertx, reaper, reassertion, awaySweep);
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
    vertx.cancelTimer(awaySweep);
    return reassertion
        .stop()
        .timeout(REASSERTION_STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .otherwiseEmpty();
  }
}
