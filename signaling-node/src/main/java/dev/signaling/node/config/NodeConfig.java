package dev.signaling.node.config;

import java.time.Duration;
import java.util.List;

/**
 * Everything a node is configured with. Built once at start by {@link ConfigLoader}; nothing else
 * reads the environment.
 *
 * @param httpHost interface the HTTP/WebSocket server binds
 * @param httpPort HTTP/WebSocket port
 * @param clusterHost address this node's Hazelcast and event bus bind and advertise
 * @param clusterPort first Hazelcast port tried; the next free one is taken when it is busy
 * @param eventBusPort port of the clustered event bus, 0 for any free one
 * @param clusterMembers host[:port] entries to join
 * @param clusterName cluster name: nodes only join a cluster of the same name
 * @param discovery how members are found
 * @param kubernetes where the Kubernetes discovery looks, when it is used
 * @param stunUrls STUN server URLs for clients
 * @param turnUrls TURN server URLs for clients
 * @param turnSecret the TURN REST secret shared with coturn, empty for none; never logged
 * @param turnTtl lifetime of issued TURN credentials
 * @param drainWindow how long a draining node takes to send its clients away
 * @param managementPort port for /metrics and /health, or 0 to serve them on the HTTP port
 * @param jsonLogs whether logs are JSON lines
 * @param logLevel root log level
 * @param security tokens, anonymous logins and allowed origins
 * @param limits what one client may cost the node
 * @param eventLoops event-loop threads of the node's Vert.x
 * @param verticleInstances WebSocket verticle instances sharing the HTTP port
 * @param loginTimeout how long a connection may stay without a successful login
 * @param deliveryTimeout how long a relay waits for the target's node to confirm the write
 * @param confirmBatch how long a node may hold a write's confirmation to batch it; zero: a reply
 *     per message
 * @param maxRoomsPerUser rooms one session may be in at once
 * @param maxRoomMembers members a room may have
 * @param presenceReconcileInterval period of the sweep that removes entries of nodes no longer
 *     members
 * @param presenceReassertInterval period of the check that this node's sessions all have their
 *     entries
 * @param heartbeatInterval Hazelcast heartbeat period
 * @param maxNoHeartbeat silence after which Hazelcast declares a member dead
 * @param resume how long, and with how much held for it, a session may be resumed
 * @param peerJs the PeerJS endpoint
 * @param httpTransport the HTTP transport for clients whose WebSockets are blocked
 */
public record NodeConfig(
    String httpHost,
    int httpPort,
    String clusterHost,
    int clusterPort,
    int eventBusPort,
    List<String> clusterMembers,
    String clusterName,
    Discovery discovery,
    KubernetesDiscovery kubernetes,
    List<String> stunUrls,
    List<String> turnUrls,
    String turnSecret,
    Duration turnTtl,
    Duration drainWindow,
    int managementPort,
    boolean jsonLogs,
    String logLevel,
    Security security,
    Limits limits,
    int eventLoops,
    int verticleInstances,
    Duration loginTimeout,
    Duration deliveryTimeout,
    Duration confirmBatch,
    int maxRoomsPerUser,
    int maxRoomMembers,
    Duration presenceReconcileInterval,
    Duration presenceReassertInterval,
    Duration heartbeatInterval,
    Duration maxNoHeartbeat,
    Resume resume,
    PeerJs peerJs,
    HttpTransport httpTransport) {

  public NodeConfig {
    clusterMembers = List.copyOf(clusterMembers);
    stunUrls = List.copyOf(stunUrls);
    turnUrls = List.copyOf(turnUrls);
  }

  /** Every setting but secrets, which show only whether they are set. */
  @Override
  public String toString() {
    return "NodeConfig[http="
        + httpHost
        + ":"
        + httpPort
        + ", cluster="
        + clusterName
        + "@"
        + clusterHost
        + ":"
        + clusterPort
        + " "
        + discovery
        + (discovery == Discovery.KUBERNETES ? " " + kubernetes : " " + clusterMembers)
        + ", stun="
        + stunUrls
        + ", turn="
        + turnUrls
        + ", turnSecret="
        + (turnSecret.isEmpty() ? "unset" : "set")
        + ", turnTtl="
        + turnTtl
        + ", "
        + security
        + ", "
        + limits
        + ", drain="
        + drainWindow
        + ", managementPort="
        + managementPort
        + ", eventLoops="
        + eventLoops
        + ", instances="
        + verticleInstances
        + ", loginTimeout="
        + loginTimeout
        + ", deliveryTimeout="
        + deliveryTimeout
        + ", confirmBatch="
        + confirmBatch
        + ", maxRoomsPerUser="
        + maxRoomsPerUser
        + ", maxRoomMembers="
        + maxRoomMembers
        + ", "
        + resume
        + ", "
        + peerJs
        + ", "
        + httpTransport
        + "]";
  }

  public boolean clustered() {
    return discovery != Discovery.NONE;
  }
}
