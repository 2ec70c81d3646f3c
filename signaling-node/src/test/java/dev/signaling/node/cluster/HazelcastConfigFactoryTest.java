package dev.signaling.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.signaling.node.config.ConfigException;
import dev.signaling.node.config.ConfigLoader;
import dev.signaling.node.config.Discovery;
import dev.signaling.node.presence.HazelcastPresence;
import dev.signaling.node.rooms.HazelcastRoomRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hazelcast configuration each discovery mode produces, from the node's settings alone. */
class HazelcastConfigFactoryTest {

  @Test
  void tcpJoinsTheListedMembersOnTheConfiguredAddress() {
    Config config =
        build(
            Map.of(
                "CLUSTER_MEMBERS",
                "10.0.0.1:5701,10.0.0.2",
                "CLUSTER_HOST",
                "10.0.0.3",
                "CLUSTER_NAME",
                "prod"));
    JoinConfig join = config.getNetworkConfig().getJoin();

    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.0.0.3");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
  }

  @Test
  void kubernetesDnsModeLooksUpTheHeadlessService() {
    Config config =
        build(
            Map.of(
                "CLUSTER_DISCOVERY",
                "kubernetes",
                "CLUSTER_SERVICE_DNS",
                "signaling-hazelcast.calls.svc.cluster.local"));
    JoinConfig join = config.getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("signaling-hazelcast.calls.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isNull();
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
  }

  @Test
  void kubernetesApiModeReadsTheServicesEndpoints() {
    Config config =
        build(
            Map.of(
                "CLUSTER_DISCOVERY",
                "kubernetes",
                "CLUSTER_SERVICE_NAME",
                "signaling-hazelcast",
                "CLUSTER_NAMESPACE",
                "calls"));
    JoinConfig join = config.getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name"))
        .isEqualTo("signaling-hazelcast");
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isEqualTo("calls");
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isNull();
  }

  @Test
  void kubernetesApiModeInAPodLeavesTheApiToHazelcastsInClusterDefaults() {
    JoinConfig join =
        build(
                Map.of(
                    "CLUSTER_DISCOVERY",
                    "kubernetes",
                    "CLUSTER_SERVICE_NAME",
                    "signaling-hazelcast"))
            .getNetworkConfig()
            .getJoin();

    // https://kubernetes.default.svc and the service-account files, read by Hazelcast itself.
    assertThat(join.getKubernetesConfig().getProperty("kubernetes-master")).isNull();
    assertThat(join.getKubernetesConfig().getProperty("api-token")).isNull();
    assertThat(join.getKubernetesConfig().getProperty("ca-certificate")).isNull();
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isNull();
    assertThat(join.getKubernetesConfig().getProperty("expose-externally")).isEqualTo("false");
  }

  @Test
  void kubernetesApiModeCanBePointedAtAnApiServerWithItsTokenAndCa(@TempDir Path dir)
      throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    JoinConfig join =
        build(
                Map.of(
                    "CLUSTER_DISCOVERY", "kubernetes",
                    "CLUSTER_SERVICE_NAME", "signaling-hazelcast",
                    "CLUSTER_NAMESPACE", "calls",
                    "CLUSTER_KUBERNETES_API_URL", "https://10.0.0.1:6443",
                    "CLUSTER_KUBERNETES_TOKEN_FILE", token.toString(),
                    "CLUSTER_KUBERNETES_CA_FILE", ca.toString()))
            .getNetworkConfig()
            .getJoin();

    assertThat(join.getKubernetesConfig().getProperty("kubernetes-master"))
        .isEqualTo("https://10.0.0.1:6443");
    assertThat(join.getKubernetesConfig().getProperty("api-token")).isEqualTo("s3cret");
    assertThat(join.getKubernetesConfig().getProperty("ca-certificate"))
        .isEqualTo("-----BEGIN CERTIFICATE-----\n");
  }

  @Test
  void anUnreadableTokenFileIsReportedWithItsSetting(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                build(
                    Map.of(
                        "CLUSTER_DISCOVERY", "kubernetes",
                        "CLUSTER_SERVICE_NAME", "signaling-hazelcast",
                        "CLUSTER_KUBERNETES_TOKEN_FILE", dir.resolve("missing").toString())))
        .hasMessageContaining("CLUSTER_KUBERNETES_TOKEN_FILE")
        .hasMessageContaining("missing");
  }

  @Test
  void apiSettingsAreRefusedInDnsModeAndTheApiMustBeHttps() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "CLUSTER_DISCOVERY", "kubernetes",
                        "CLUSTER_SERVICE_DNS", "x.calls.svc.cluster.local",
                        "CLUSTER_KUBERNETES_API_URL", "https://10.0.0.1:6443"),
                    new String[0]))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CLUSTER_KUBERNETES_API_URL")
        .hasMessageContaining("CLUSTER_SERVICE_DNS");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "CLUSTER_DISCOVERY", "kubernetes",
                        "CLUSTER_SERVICE_NAME", "signaling-hazelcast",
                        "CLUSTER_KUBERNETES_API_URL", "http://127.0.0.1:8001"),
                    new String[0]))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("https://");
    // Ignored, as the other Kubernetes settings are, when discovery is not Kubernetes's.
    assertThat(
            ConfigLoader.load(Map.of("CLUSTER_KUBERNETES_API_URL", "http://ignored"), new String[0])
                .discovery())
        .isEqualTo(Discovery.TCP);
  }

  @Test
  void kubernetesWithoutAServiceIsRefusedWithBothSettingsNamed() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("CLUSTER_DISCOVERY", "kubernetes"), new String[0]))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CLUSTER_SERVICE_DNS")
        .hasMessageContaining("CLUSTER_SERVICE_NAME");
  }

  @Test
  void everyModeBacksUpPresenceAndRoomsAndDetectsFailuresFast() {
    for (Config config :
        new Config[] {
          build(Map.of()),
          build(
              Map.of(
                  "CLUSTER_DISCOVERY",
                  "kubernetes",
                  "CLUSTER_SERVICE_DNS",
                  "x.default.svc.cluster.local"))
        }) {
      assertThat(config.getMapConfig(HazelcastPresence.MAP_NAME).getBackupCount()).isEqualTo(1);
      assertThat(config.getMapConfig(HazelcastRoomRegistry.MAP_NAME).getBackupCount()).isEqualTo(1);
      assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
      assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
    }
  }

  @Test
  void aSingleNodeHasNoHazelcast() {
    assertThatThrownBy(() -> build(Map.of("CLUSTER_DISCOVERY", "none")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Config build(Map<String, String> env) {
    return HazelcastConfigFactory.build(ConfigLoader.load(env, new String[0]));
  }
}
