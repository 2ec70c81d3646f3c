package dev.signaling.node;

import dev.signaling.node.cluster.ClusterBootstrap;
import dev.signaling.node.cluster.ClusterMetrics;
import dev.signaling.node.cluster.ClusterRuntime;
import dev.signaling.node.cluster.NodeReaper;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.health.NodeHealth;
import dev.signaling.node.ice.IceServers;
import dev.signaling.node.metrics.Metrics;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.rooms.RoomRegistry;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.Delivery;
import dev.signaling.node.routing.DeliveryCodec;
import dev.signaling.node.routing.NodeInbox;
import dev.signaling.node.routing.ReassertionMetrics;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Router;
import dev.signaling.node.routing.SessionReassertion;
import dev.signaling.node.security.Authenticators;
import dev.signaling.node.security.OriginPolicy;
import dev.signaling.node.session.LocalSessions;
import dev.signaling.node.session.PeerLeftNotices;
import dev.signaling.node.transport.Drain;
import dev.signaling.node.transport.HttpVerticle;
import dev.signaling.node.transport.ManagementVerticle;
import dev.signaling.node.transport.NodeServices;
import dev.signaling.node.transport.OpenConnections;
import dev.signaling.node.transport.SessionMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running signaling node: the composition root that wires every part together. */
public final class SignalingNode {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingNode.class);
  /** How often cluster-wide sizes (presence entries, rooms) are refreshed for the metrics. */
  private static final Duration CLUSTER_GAUGE_INTERVAL = Duration.ofSeconds(15);
  /** How long a stop waits for a re-assertion pass under way. */
  private static final Duration REASSERTION_STOP_PATIENCE = Duration.ofSeconds(2);
  /** Where the names of users reaped after their node's death are published to every node. */
  private static final String USERS_GONE_ADDRESS = "signaling.users-gone";

  private final ClusterRuntime runtime;
  private final NodeServices services;
  private final NodeReaper reaper;
  private final SessionReassertion reassertion;
  private final int httpPort;

  private SignalingNode(ClusterRuntime runtime, NodeServices services, NodeReaper reaper,
      SessionReassertion reassertion, int httpPort) {
    this.runtime = runtime;
    this.services = services;
    this.reaper = reaper;
    this.reassertion = reassertion;
    this.httpPort = httpPort;
  }

  public static Future<SignalingNode> start(NodeConfig config) {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    return ClusterBootstrap.start(config, registry).compose(runtime -> wire(config, runtime, registry)
        .onFailure(failed -> runtime.vertx().close()));
  }

  private static Future<SignalingNode> wire(NodeConfig config, ClusterRuntime runtime,
      PrometheusMeterRegistry registry) {
    Vertx vertx = runtime.vertx();
    String nodeId = runtime.view().nodeId();
    vertx.eventBus().registerDefaultCodec(Delivery.class, new DeliveryCodec());
    LocalSessions sessions = new LocalSessions();
    OpenConnections connections = new OpenConnections();
    Router router = new Router(vertx, nodeId, runtime.presence(), sessions, config.deliveryTimeout());
    RoomService rooms = new RoomService(vertx, runtime.rooms(), nodeId, config.maxRoomsPerUser(),
        config.maxRoomMembers());

    ClusterMetrics clusterMetrics = new ClusterMetrics(registry, runtime.view());
    clusterMetrics.clusterWideGauge(vertx, "presence_entries", "Users online, cluster-wide",
        runtime.presence()::size, CLUSTER_GAUGE_INTERVAL);
    clusterMetrics.clusterWideGauge(vertx, "rooms", "Rooms with members, cluster-wide", runtime.rooms()::count,
        CLUSTER_GAUGE_INTERVAL);
    clusterMetrics.track(runtime.presence());
    clusterMetrics.track(runtime.rooms());
    PeerLeftNotices peerLeft = new PeerLeftNotices(sessions, router::notify);
    // Each departed user's entry is removed by one survivor only; every node must tell its own sessions.
    vertx.eventBus().<JsonArray>consumer(USERS_GONE_ADDRESS, gone -> peerLeft.usersGone(
        gone.body().stream().map(String::valueOf).collect(Collectors.toSet())));
    NodeReaper reaper = new NodeReaper(vertx, runtime.view(), List.of(runtime.presence(), runtime.rooms()),
        config.presenceReconcileInterval(), clusterMetrics, (state, users) -> {
          if (state == runtime.presence()) {
            vertx.eventBus().publish(USERS_GONE_ADDRESS, new JsonArray(List.copyOf(users)));
          }
        });
    reaper.start();
    SessionReassertion reassertion = reassertSessions(config, runtime, sessions, rooms, registry);

    NodeHealth health = new NodeHealth(nodeId, () -> runtime.view().members().size(), sessions::size,
        runtime.view()::isSafe);
    IceServers iceServers = new IceServers(config.stunUrls(), config.turnUrls(), config.turnSecret(),
        config.turnTtl(), Clock.systemUTC());
    NodeServices services = new NodeServices(config, Authenticators.create(vertx, config.security()),
        new OriginPolicy(config.security().allowedOrigins()), peerLeft, router, rooms, iceServers, health, connections,
        new SessionMetrics(registry, sessions, connections), new RelayMetrics(registry), registry);

    runtime.view().onRejoinAfterSplit(() -> {
      LOG.warn("sending {} connections away: their sessions were dropped with this side of the split",
          connections.size());
      // Discarded with this side's data, and to stay so: their clients log in again on the winning side.
      reassertion.setAsideSessionsOpenNow();
      Drain.run(vertx, connections, Duration.ofSeconds(1));
    });

    int port;
    try {
      port = config.httpPort() != 0 ? config.httpPort() : FreePort.pick(config.httpHost());
    } catch (IOException noPort) {
      return Future.failedFuture(noPort);
    }
    return vertx.deployVerticle(new NodeInbox(nodeId, sessions))
        .compose(inbox -> config.managementPort() == 0 ? Future.succeededFuture()
            : vertx.deployVerticle(new ManagementVerticle(services)))
        .compose(management -> vertx.deployVerticle(() -> new HttpVerticle(services, port),
            new DeploymentOptions().setInstances(config.verticleInstances())))
        .map(deployed -> {
          LOG.info("node {} started: WebSocket endpoint ws://{}:{}{} ({} verticle instances){}", nodeId,
              config.httpHost(), port, HttpVerticle.WEBSOCKET_PATH, config.verticleInstances(),
              config.managementPort() == 0 ? "" : ", metrics and health on port " + config.managementPort());
          return new SignalingNode(runtime, services, reaper, reassertion, port);
        });
  }

  /**
   * This node re-asserts its sessions' presence entries and room memberships: periodically, and at once
   * when the cluster may have lost some (a member left), after a merge and when a member joins.
   */
  private static SessionReassertion reassertSessions(NodeConfig config, ClusterRuntime runtime,
      LocalSessions sessions, RoomService rooms, PrometheusMeterRegistry registry) {
    SessionReassertion reassertion = new SessionReassertion(runtime.vertx(), runtime.view().nodeId(),
        runtime.presence(), sessions, rooms, config.presenceReassertInterval(), new ReassertionMetrics(registry));
    runtime.view().onMemberLeft(left -> reassertion.reassertSoon("member " + left + " left"));
    runtime.view().onMemberJoined(joined -> reassertion.reassertSoon("member " + joined + " joined"));
    runtime.view().onMergeCompleted(() -> reassertion.reassertSoon("merge completed"));
    rooms.onMembershipLost(() -> reassertion.reassertSoon("a room lost members of this node"));
    reassertion.start();
    return reassertion;
  }

  public int httpPort() {
    return httpPort;
  }

  public String nodeId() {
    return runtime.view().nodeId();
  }

  public Vertx vertx() {
    return runtime.vertx();
  }

  public Presence presence() {
    return runtime.presence();
  }

  public RoomRegistry rooms() {
    return runtime.rooms();
  }

  public NodeConfig config() {
    return services.config();
  }

  /**
   * Shuts down gracefully: at once not ready and refusing new WebSockets; then clients are sent away in
   * batches over the drain window; then the node stops as {@link #close()} does.
   */
  public Future<Void> drainAndClose() {
    services.health().startDraining();
    Duration window = services.config().drainWindow();
    LOG.info("draining: sending {} connections away over {} s", services.connections().size(), window.toSeconds());
    return Drain.run(vertx(), services.connections(), window)
        .eventually(this::close);
  }

  /**
   * Stops: closes the WebSocket server and its connections, removes this node's presence entries and room
   * memberships, and leaves the cluster.
   */
  public Future<Void> close() {
    reaper.stop();
    Vertx vertx = runtime.vertx();
    // A pass under way finishes first (bounded: a cluster that does not answer must not hold the stop up).
    Future<Void> undeployed = reassertion.stop().timeout(REASSERTION_STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .otherwiseEmpty()
        .compose(stopped -> Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).mapEmpty());
    return undeployed
        .eventually(() -> runtime.presence().removeNode(nodeId()))
        .eventually(() -> runtime.rooms().removeNode(nodeId()))
        .eventually(vertx::close)
        .onComplete(closed -> LOG.info("node {} stopped", nodeId()));
  }
}
