package dev.signaling.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import dev.signaling.node.config.Discovery;
import dev.signaling.node.config.KubernetesDiscovery;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.config.Setting;
import dev.signaling.node.presence.HazelcastPresence;
import dev.signaling.node.presence.PresenceRecordSerializer;
import dev.signaling.node.rooms.HazelcastRoomRegistry;
import dev.signaling.node.rooms.JoinOutcomeSerializer;
import dev.signaling.node.rooms.RoomRestoreSerializer;
import dev.signaling.node.rooms.RoomStateSerializer;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The only place that builds Hazelcast configuration, from the node's {@link NodeConfig}. */
public final class HazelcastConfigFactory {
  /**
   * Ports tried from {@code CLUSTER_PORT} upwards, both to bind and to find members given without
   * port.
   */
  static final int PORT_RANGE = 10;

  private HazelcastConfigFactory() {}

  public static Config build(NodeConfig node) {
    if (node.discovery() == Discovery.NONE) {
      throw new IllegalArgumentException("no Hazelcast for discovery " + node.discovery());
    }
    // Vert.x's own defaults first: the event bus subscription multimap and node info maps.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(node.clusterName());
    config.setInstanceName(
        "signaling-" + node.clusterName() + "-" + node.httpPort() + "-" + System.nanoTime());
    applyProperties(config, node);
    applyNetwork(config.getNetworkConfig(), node);
    config.addMapConfig(presenceMap());
    // One backup: a room's membership survives the death of any single node.
    config.addMapConfig(
        new MapConfig(HazelcastRoomRegistry.MAP_NAME)
            .setBackupCount(1)
            .setMergePolicyConfig(discardTheLosingSide()));
    config
        .getSerializationConfig()
        .getCompactSerializationConfig()
        .addSerializer(new PresenceRecordSerializer())
        .addSerializer(new PresenceRecordSerializer.HeldMessageSerializer())
        .addSerializer(new RoomStateSerializer())
        .addSerializer(new JoinOutcomeSerializer())
        .addSerializer(new RoomRestoreSerializer());
    return config;
  }

  private static void applyProperties(Config config, NodeConfig node) {
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The node leaves the cluster itself on shutdown, after its sessions are closed.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Failure detection: a killed node's users must become unreachable within seconds, not the
    // default minute.
    config.setProperty(
        "hazelcast.heartbeat.interval.seconds",
        Long.toString(node.heartbeatInterval().toSeconds()));
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds", Long.toString(node.maxNoHeartbeat().toSeconds()));
    // A node starting alone should not sit five seconds waiting for join requests.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.tcp.join.port.try.count", Integer.toString(PORT_RANGE));
    // A node cut off (partition, long pause) finds its way back within seconds, not the default
    // minutes; until it does, its clients cannot be reached from the rest of the cluster.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.local.localAddress", node.clusterHost());
    config.setProperty("hazelcast.socket.bind.any", "false");
  }

  private static void applyNetwork(NetworkConfig network, NodeConfig node) {
    network.setPort(node.clusterPort()).setPortAutoIncrement(true).setPortCount(PORT_RANGE);
    network.getInterfaces().setEnabled(true).addInterface(node.clusterHost());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (node.discovery() == Discovery.KUBERNETES) {
      KubernetesConfig kubernetes = join.getKubernetesConfig().setEnabled(true);
      KubernetesDiscovery where = node.kubernetes();
      if (where.usesDns()) {
        kubernetes.setProperty("service-dns", where.serviceDns());
      } else {
        applyKubernetesApi(kubernetes, where);
      }
      kubernetes.setProperty("service-port", Integer.toString(node.clusterPort()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(node.clusterMembers());
    }
  }

  /**
   * API mode. Unset, the API's URL, token and CA are Hazelcast's in-cluster defaults: {@code
   * https://kubernetes.default.svc} and the pod's service-account files.
   */
  private static void applyKubernetesApi(KubernetesConfig kubernetes, KubernetesDiscovery where) {
    kubernetes.setProperty("service-name", where.serviceName());
    if (!where.namespace().isEmpty()) {
      kubernetes.setProperty("namespace", where.namespace());
    }
    // The nodes have no Hazelcast clients outside the cluster, so no public addresses to find: left
    // on its default, every discovery also lists all the namespace's endpoints and logs a warning
    // that it found none.
    kubernetes.setProperty("expose-externally", "false");
    if (!where.apiUrl().isEmpty()) {
      kubernetes.setProperty("kubernetes-master", where.apiUrl());
    }
    if (!where.tokenFile().isEmpty()) {
      kubernetes.setProperty(
          "api-token", read(Setting.CLUSTER_KUBERNETES_TOKEN_FILE, where.tokenFile()).trim());
    }
    if (!where.caFile().isEmpty()) {
      kubernetes.setProperty(
          "ca-certificate", read(Setting.CLUSTER_KUBERNETES_CA_FILE, where.caFile()));
    }
  }

  private static String read(Setting setting, String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException(setting.env() + ": cannot read " + file, e);
    }
  }

  private static MapConfig presenceMap() {
    return new MapConfig(HazelcastPresence.MAP_NAME)
        .setBackupCount(1)
        .setMergePolicyConfig(discardTheLosingSide())
        .addIndexConfig(new IndexConfig(IndexType.HASH, "node"))
        // The expiry finds away sessions whose window has ended without visiting every entry.
        .addIndexConfig(new IndexConfig(IndexType.SORTED, "awayUntil"));
  }

  /**
   * After a split heals, the smaller side's presence and rooms are dropped, not merged: they
   * describe sessions that side's nodes are about to send away (see {@code onRejoinAfterSplit}),
   * whose clients log in again on the winning side. Merging would resurrect entries nobody would
   * remove.
   */
  private static MergePolicyConfig discardTheLosingSide() {
    return new MergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
  }
}
