package dev.signaling.node.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Everything a node is configured with. Built once at start by {@link ConfigLoader}; nothing else reads
 * the environment.
 *
 * @param httpHost interface the HTTP/WebSocket server binds
 * @param httpPort HTTP/WebSocket port
 * @param clusterHost address this node's Hazelcast and event bus bind and advertise
 * @param clusterPort first Hazelcast port tried; the next free one is taken when it is busy
 * @param clusterMembers host[:port] entries to join
 * @param clusterName cluster name: nodes only join a cluster of the same name
 * @param discovery how members are found
 * @param stunUrls STUN server URLs for clients
 * @param verticleInstances WebSocket verticle instances sharing the HTTP port
 * @param loginTimeout how long a connection may stay without a successful login
 * @param deliveryTimeout how long a relay waits for the target's node to confirm the write
 * @param maxRoomsPerUser rooms one session may be in at once
 * @param maxRoomMembers members a room may have
 * @param presenceReconcileInterval period of the sweep that removes entries of nodes no longer members
 * @param heartbeatInterval Hazelcast heartbeat period
 * @param maxNoHeartbeat silence after which Hazelcast declares a member dead
 */
public record NodeConfig(
    String httpHost,
    int httpPort,
    String clusterHost,
    int clusterPort,
    List<String> clusterMembers,
    String clusterName,
    Discovery discovery,
    List<String> stunUrls,
    int verticleInstances,
    Duration loginTimeout,
    Duration deliveryTimeout,
    int maxRoomsPerUser,
    int maxRoomMembers,
    Duration presenceReconcileInterval,
    Duration heartbeatInterval,
    Duration maxNoHeartbeat) {

  public NodeConfig {
    clusterMembers = List.copyOf(clusterMembers);
    stunUrls = List.copyOf(stunUrls);
  }

  public boolean clustered() {
    return discovery != Discovery.NONE;
  }

  /** The ICE servers clients get at login, in RTCPeerConnection's format. */
  public JsonArray iceServers() {
    JsonArray servers = new JsonArray();
    if (!stunUrls.isEmpty()) {
      servers.add(new JsonObject().put("urls", new JsonArray(List.copyOf(stunUrls))));
    }
    return servers;
  }
}
