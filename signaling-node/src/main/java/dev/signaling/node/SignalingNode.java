package dev.signaling.node;

import dev.signaling.node.cluster.ClusterBootstrap;
import dev.signaling.node.cluster.ClusterRuntime;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.config.Resume;
import dev.signaling.node.health.NodeHealth;
import dev.signaling.node.ice.IceServers;
import dev.signaling.node.metrics.Metrics;
import dev.signaling.node.peerjs.PeerJsEndpoint;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.rooms.RoomRegistry;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.Delivery;
import dev.signaling.node.routing.DeliveryCodec;
import dev.signaling.node.routing.DeliveryStreams;
import dev.signaling.node.routing.HeldReplies;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.NodeInbox;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Router;
import dev.signaling.node.security.Authenticators;
import dev.signaling.node.security.OriginPolicy;
import dev.signaling.node.session.Departures;
import dev.signaling.node.session.GoneUsers;
import dev.signaling.node.session.PeerLeftNotices;
import dev.signaling.node.session.RoomEventWriter;
import dev.signaling.node.session.SessionMetrics;
import dev.signaling.node.session.SessionServices;
import dev.signaling.node.transport.Drain;
import dev.signaling.node.transport.Endpoint;
import dev.signaling.node.transport.HttpVerticle;
import dev.signaling.node.transport.ManagementVerticle;
import dev.signaling.node.transport.OpenConnections;
import dev.signaling.node.transport.TransportServices;
import dev.signaling.node.transport.http.HttpTransport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running signaling node: the composition root that wires every part together. */
public final class SignalingNode {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingNode.class);

  private final ClusterRuntime runtime;
  private final SharedState state;
  private final TransportServices services;
  private final NodeUpkeep upkeep;
  private final int httpPort;

  private SignalingNode(
      ClusterRuntime runtime,
      SharedState state,
      TransportServices services,
      NodeUpkeep upkeep,
      int httpPort) {
    this.runtime = runtime;
    this.state = state;
    this.services = services;
    this.upkeep = upkeep;
    this.httpPort = httpPort;
  }

  public static Future<SignalingNode> start(NodeConfig config) {
    return start(config, SharedState.AS_PICKED);
  }

  /**
   * Starts a node whose shared state is {@code decorate}d: tests put fakes that can be told to fail
   * in front.
   */
  public static Future<SignalingNode> start(
      NodeConfig config, UnaryOperator<SharedState> decorate) {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    return ClusterBootstrap.start(config, registry)
        .compose(
            runtime ->
                // Hazelcast's proxies are made by blocking calls, which may wait for the cluster.
                runtime
                    .vertx()
                    .executeBlocking(() -> decorate.apply(SharedState.pick(runtime, config)), false)
                    .compose(state -> wire(config, runtime, state, registry))
                    .onFailure(failed -> runtime.vertx().close()));
  }

  private static Future<SignalingNode> wire(
      NodeConfig config,
      ClusterRuntime runtime,
      SharedState state,
      PrometheusMeterRegistry registry) {
    Vertx vertx = runtime.vertx();
    String nodeId = runtime.view().nodeId();
    vertx.eventBus().registerDefaultCodec(Delivery.class, new DeliveryCodec());
    LocalSessions sessions = new LocalSessions();
    DeliveryStreams streams =
        new DeliveryStreams(vertx, nodeId, config.deliveryTimeout(), config.confirmBatch());
    streams.countIn(registry);
    RoomService rooms =
        new RoomService(
            vertx,
            state.rooms(),
            new RoomEventWriter(sessions),
            nodeId,
            config.maxRoomsPerUser(),
            config.maxRoomMembers());
    // A sender waits for a held frame's outcome for the window, plus a sweep's delay and a margin.
    HeldReplies held =
        new HeldReplies(
            vertx, nodeId, config.resume().window().plus(config.deliveryTimeout()).plusSeconds(2));
    Router router =
        new Router(
            vertx,
            nodeId,
            state.presence(),
            sessions,
            (sender, sessionId, room) -> rooms.membersFor(new RoomMember(sender, sessionId), room),
            new RelayMetrics(registry),
            held,
            streams,
            config.resume().enabled()
                ? new MembershipWatch(vertx, runtime.view(), config.maxNoHeartbeat().plusSeconds(2))
                : null,
            config.deliveryTimeout());
    PeerLeftNotices peerLeft = new PeerLeftNotices(sessions, router::notify);
    Departures departures =
        new Departures(
            router,
            rooms,
            state.rooms(),
            peerLeft,
            config.resume(),
            (names, reason) -> GoneUsers.announce(vertx, names, reason));
    NodeUpkeep upkeep =
        NodeUpkeep.start(
            config, runtime, state, sessions, rooms, peerLeft, departures, streams, registry);

    SessionServices sessionServices =
        new SessionServices(
            vertx,
            config,
            Authenticators.create(vertx, config.security()),
            router,
            rooms,
            new IceServers(
                config.stunUrls(),
                config.turnUrls(),
                config.turnSecret(),
                config.turnTtl(),
                Clock.systemUTC()),
            peerLeft,
            departures,
            new SessionMetrics(registry, sessions),
            router.metrics());
    NodeHealth health =
        new NodeHealth(
            nodeId, () -> runtime.view().members().size(), sessions::size, runtime.view()::isSafe);
    OpenConnections connections = new OpenConnections(registry);
    TransportServices services =
        new TransportServices(
            sessionServices,
            new OriginPolicy(config.security().allowedOrigins()),
            health,
            connections,
            registry);

    runtime
        .view()
        .onRejoinAfterSplit(
            () -> {
              LOG.warn(
                  "sending {} connections away: their sessions were dropped with this side of the split",
                  connections.size());
              upkeep.setAsideSessionsOpenNow();
              Drain.run(vertx, connections, Duration.ofSeconds(1), config.deliveryTimeout());
            });

    HttpTransport httpTransport =
        config.httpTransport().enabled()
            ? new HttpTransport(
                vertx,
                nodeId,
                services,
                HttpVerticle.hardCeiling(config.limits().maxMessageBytes()))
            : null;
    // Other transports and wire protocols served on the same port, adapters onto the same session
    // core: the HTTP transport, and the PeerJS server protocol next to the native one.
    List<Endpoint> endpoints = new ArrayList<>();
    if (httpTransport != null) {
      endpoints.add(httpTransport);
    }
    if (config.peerJs().enabled()) {
      endpoints.add(PeerJsEndpoint.create(services, config.peerJs()));
    }

    int port;
    try {
      port = config.httpPort() != 0 ? config.httpPort() : FreePort.pick(config.httpHost());
    } catch (IOException noPort) {
      return Future.failedFuture(noPort);
    }
    return held.start()
        .compose(
            listening ->
                vertx.deployVerticle(
                    new NodeInbox(nodeId, sessions, config.deliveryTimeout(), streams)))
        .compose(
            inbox ->
                httpTransport == null
                    ? Future.succeededFuture()
                    : vertx.deployVerticle(httpTransport.inbox()))
        .compose(
            inbox ->
                config.managementPort() == 0
                    ? Future.succeededFuture()
                    : vertx.deployVerticle(new ManagementVerticle(services)))
        .compose(
            management ->
                vertx.deployVerticle(
                    () -> new HttpVerticle(services, port, endpoints),
                    new DeploymentOptions().setInstances(config.verticleInstances())))
        .map(
            deployed -> {
              LOG.info(
                  "node {} started: WebSocket endpoint ws://{}:{}{}{}{} ({} verticle instances){}",
                  nodeId,
                  config.httpHost(),
                  port,
                  HttpVerticle.WEBSOCKET_PATH,
                  config.httpTransport().enabled() ? ", HTTP transport at /http" : "",
                  config.peerJs().enabled() ? ", PeerJS at " + PeerJsEndpoint.WEBSOCKET_PATH : "",
                  config.verticleInstances(),
                  config.managementPort() == 0
                      ? ""
                      : ", metrics and health on port " + config.managementPort());
              return new SignalingNode(runtime, state, services, upkeep, port);
            });
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
    return state.presence();
  }

  public RoomRegistry rooms() {
    return state.rooms();
  }

  public NodeConfig config() {
    return services.sessions().config();
  }

  /**
   * Shuts down gracefully: at once not ready and refusing new WebSockets; then clients are sent
   * away in batches over the drain window; then the node stops as {@link #close()} does.
   */
  public Future<Void> drainAndClose() {
    services.health().startDraining();
    Duration window = config().drainWindow();
    LOG.info(
        "draining: sending {} connections away over {} s",
        services.connections().size(),
        window.toSeconds());
    return Drain.run(vertx(), services.connections(), window, config().deliveryTimeout())
        .eventually(this::close);
  }

  /**
   * Stops: closes the WebSocket server and its connections, removes this node's presence entries
   * and room memberships, and leaves the cluster.
   */
  public Future<Void> close() {
    Vertx vertx = runtime.vertx();
    Future<Void> undeployed =
        upkeep
            .stop()
            .compose(
                stopped ->
                    Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
                        .mapEmpty());
    Resume resume = config().resume();
    // With resume on, the users still connected here are away, not gone: another node may resume
    // them, rooms and all, within their window.
    Future<Void> leftBehind =
        resume.enabled()
            ? undeployed.eventually(
                () ->
                    state
                        .presence()
                        .nodeLeft(
                            nodeId(), System.currentTimeMillis() + resume.window().toMillis()))
            : undeployed
                .eventually(() -> state.presence().removeNode(nodeId()))
                .eventually(() -> state.rooms().removeNode(nodeId()));
    return leftBehind
        .eventually(vertx::close)
        .onComplete(closed -> LOG.info("node {} stopped", nodeId()));
  }
}
