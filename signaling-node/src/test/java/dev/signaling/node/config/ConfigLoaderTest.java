package dev.signaling.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void theDefaultsAreAClusteredNodeOnThisMachine() {
    NodeConfig config = ConfigLoader.load(Map.of(), new String[0]);

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.clusterHost()).isEqualTo("127.0.0.1");
    assertThat(config.clusterPort()).isEqualTo(5701);
    assertThat(config.clusterMembers()).containsExactly("127.0.0.1");
    assertThat(config.clusterName()).isEqualTo("signaling");
    assertThat(config.discovery()).isEqualTo(Discovery.TCP);
    assertThat(config.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.verticleInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.loginTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.httpTransport()).isEqualTo(new HttpTransport(true, Duration.ofSeconds(30)));
  }

  @Test
  void theHttpTransportCanBeTurnedOffAndItsIdleTimeSet() {
    NodeConfig config =
        ConfigLoader.load(
            Map.of("HTTP_TRANSPORT_ENABLED", "FALSE"),
            new String[] {"--http-session-idle-seconds", "45"});

    assertThat(config.httpTransport()).isEqualTo(new HttpTransport(false, Duration.ofSeconds(45)));
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("HTTP_TRANSPORT_ENABLED", "sometimes"), new String[0]))
        .hasMessageContaining("HTTP_TRANSPORT_ENABLED (--http-transport-enabled)");
  }

  @Test
  void thePeerJsEndpointIsOnWithThePeerJsServersDefaults() {
    PeerJs peerJs = ConfigLoader.load(Map.of(), new String[0]).peerJs();

    assertThat(peerJs)
        .isEqualTo(
            new PeerJs(true, "peerjs", Duration.ofSeconds(5), Duration.ofSeconds(60), false, 5000));
    assertThat(
            ConfigLoader.load(
                    Map.of("PEERJS_ENABLED", "false"), new String[] {"--peerjs-key", "myapp"})
                .peerJs())
        .extracting(PeerJs::enabled, PeerJs::key)
        .containsExactly(false, "myapp");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("PEERJS_DISCOVERY", "yes"), new String[0]))
        .hasMessageContaining("PEERJS_DISCOVERY (--peerjs-discovery) must be true or false");
  }

  @Test
  void verticleInstancesFollowTheEventLoopsUnlessSet() {
    assertThat(ConfigLoader.load(Map.of("EVENT_LOOPS", "3"), new String[0]).verticleInstances())
        .isEqualTo(3);
    assertThat(
            ConfigLoader.load(Map.of("EVENT_LOOPS", "3"), new String[] {"--verticle-instances=1"})
                .verticleInstances())
        .isEqualTo(1);
  }

  @Test
  void environmentVariablesSetValuesAndFlagsWinOverThem() {
    Map<String, String> env =
        Map.of(
            "HTTP_PORT",
            "8081",
            "CLUSTER_MEMBERS",
            "10.0.0.1:5701, 10.0.0.2",
            "CLUSTER_NAME",
            "prod");

    NodeConfig config =
        ConfigLoader.load(env, new String[] {"--http-port=9090", "--cluster-name", "staging"});

    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.clusterName()).isEqualTo("staging");
    assertThat(config.clusterMembers()).isEqualTo(List.of("10.0.0.1:5701", "10.0.0.2"));
  }

  @Test
  void everySettingHasAFlagNamedAfterItsVariable() {
    for (Setting setting : Setting.values()) {
      String flag = setting.flag();
      assertThat(flag)
          .startsWith("--")
          .isEqualTo("--" + setting.env().toLowerCase().replace('_', '-'));
      assertThat(ConfigLoader.usage()).contains(flag).contains(setting.env());
    }
  }

  @Test
  void aSingleNodeNeedsNoCluster() {
    NodeConfig config = ConfigLoader.load(Map.of("CLUSTER_DISCOVERY", "none"), new String[0]);

    assertThat(config.clustered()).isFalse();
  }

  @Test
  void unusableValuesAreRefusedWithTheirSettingNamed() {
    assertRefused(Map.of("HTTP_PORT", "eighty"), "HTTP_PORT");
    assertRefused(Map.of("HTTP_PORT", "70000"), "HTTP_PORT");
    assertRefused(Map.of("LOGIN_TIMEOUT_SECONDS", "0"), "LOGIN_TIMEOUT_SECONDS");
    assertRefused(Map.of("CLUSTER_DISCOVERY", "multicast"), "CLUSTER_DISCOVERY");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), new String[] {"--no-such-flag=1"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--no-such-flag");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), new String[] {"--http-port"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs a value");
  }

  private static void assertRefused(Map<String, String> env, String setting) {
    assertThatThrownBy(() -> ConfigLoader.load(env, new String[0]))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(setting);
  }
}
