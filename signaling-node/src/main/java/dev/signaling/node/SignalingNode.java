package dev.signaling.node;

import dev.signaling.node.cluster.ClusterBootstrap;
import dev.signaling.node.cluster.ClusterRuntime;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.cluster.NodeReaper;
import dev.signaling.node.rooms.RoomRegistry;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.Delivery;
import dev.signaling.node.routing.DeliveryCodec;
import dev.signaling.node.routing.NodeInbox;
import dev.signaling.node.routing.Router;
import dev.signaling.node.session.LocalSessions;
import dev.signaling.node.transport.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running signaling node: the composition root that wires every part together. */
public final class SignalingNode {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingNode.class);

  private final NodeConfig config;
  private final ClusterRuntime runtime;
  private final LocalSessions sessions;
  private final NodeReaper reaper;
  private final int httpPort;

  private SignalingNode(NodeConfig config, ClusterRuntime runtime, LocalSessions sessions, NodeReaper reaper,
      int httpPort) {
    this.config = config;
    this.runtime = runtime;
    this.sessions = sessions;
    this.reaper = reaper;
    this.httpPort = httpPort;
  }

  public static Future<SignalingNode> start(NodeConfig config) {
    return ClusterBootstrap.start(config).compose(runtime -> wire(config, runtime)
        .onFailure(failed -> runtime.vertx().close()));
  }

  private static Future<SignalingNode> wire(NodeConfig config, ClusterRuntime runtime) {
    Vertx vertx = runtime.vertx();
    String nodeId = runtime.view().nodeId();
    vertx.eventBus().registerDefaultCodec(Delivery.class, new DeliveryCodec());
    LocalSessions sessions = new LocalSessions();
    Router router = new Router(vertx, nodeId, runtime.presence(), sessions, config.deliveryTimeout());
    RoomService rooms = new RoomService(vertx, runtime.rooms(), nodeId, config.maxRoomsPerUser(),
        config.maxRoomMembers());
    NodeReaper reaper = new NodeReaper(vertx, runtime.view(), java.util.List.of(runtime.presence(), runtime.rooms()),
        config.presenceReconcileInterval());
    reaper.start();

    int port;
    try {
      port = config.httpPort() != 0 ? config.httpPort() : FreePort.pick(config.httpHost());
    } catch (IOException noPort) {
      return Future.failedFuture(noPort);
    }
    return vertx.deployVerticle(new NodeInbox(nodeId, sessions))
        .compose(inbox -> vertx.deployVerticle(() -> new HttpVerticle(config, port, router, rooms),
            new DeploymentOptions().setInstances(config.verticleInstances())))
        .map(deployed -> {
          LOG.info("node {} started: WebSocket endpoint ws://{}:{}{} ({} verticle instances)", nodeId,
              config.httpHost(), port, HttpVerticle.WEBSOCKET_PATH, config.verticleInstances());
          return new SignalingNode(config, runtime, sessions, reaper, port);
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
    return runtime.presence();
  }

  public RoomRegistry rooms() {
    return runtime.rooms();
  }

  public NodeConfig config() {
    return config;
  }

  /** Connected sessions on this node. */
  public int localSessions() {
    return sessions.size();
  }

  /**
   * Stops cleanly: closes the WebSocket server and its connections, removes this node's presence entries
   * and room memberships, and leaves the cluster.
   */
  public Future<Void> close() {
    reaper.stop();
    Vertx vertx = runtime.vertx();
    Future<Void> undeployed = Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).mapEmpty();
    return undeployed
        .eventually(() -> runtime.presence().removeNode(nodeId()))
        .eventually(() -> runtime.rooms().removeNode(nodeId()))
        .eventually(vertx::close)
        .onComplete(closed -> LOG.info("node {} stopped", nodeId()));
  }
}
