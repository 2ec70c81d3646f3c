package dev.signaling.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoginDeadlineTest {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(false, 1, Map.of("LOGIN_TIMEOUT_SECONDS", "1"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aConnectionThatNeverLogsInIsToldWhyAndClosed() throws Exception {
    SignalingClient silent = cluster.connect(0);

    assertThat(silent.await("error", Duration.ofSeconds(5)).getString("code"))
        .isEqualTo("login-timeout");
    assertThat(TestCluster.await(silent.closeFuture())).isEqualTo((short) 1008);
  }

  @Test
  void aConnectionThatLogsInInTimeStaysOpenPastTheDeadline() throws Exception {
    SignalingClient prompt = cluster.login("prompt", 0);
    SignalingClient latecomer = cluster.connect(0);

    // The latecomer's deadline passing proves the prompt one's has too.
    TestCluster.await(latecomer.closeFuture());

    assertThat(prompt.isClosed()).isFalse();
    assertThat(prompt.seen()).noneMatch(frame -> "error".equals(frame.getString("type")));
  }
}
