package dev.signaling.node.transport;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Random and hostile frames against a real node, before and after login: each one is answered with
 * an error or relayed, the connection stays usable, and the node serves a normal exchange
 * afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolFuzzTest {
  private static final int FRAMES = 300;
  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster = TestCluster.start(false, 1);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void randomFramesAfterLoginGetAnswersAndTheConnectionCarriesOn() throws Exception {
    SignalingClient fuzzer = cluster.login("fuzzer", 0);
    SignalingClient bystander = cluster.login("bystander", 0);

    sendAll(fuzzer, frames().sampleStream().limit(FRAMES).collect(Collectors.toList()));

    await(
        fuzzer.request(
            new JsonObject()
                .put("type", "video-offer")
                .put("target", "bystander")
                .put("sdp", "v=0")));
    assertThat(bystander.await("video-offer", TestCluster.TIMEOUT).getString("from"))
        .isEqualTo("fuzzer");
    assertThat(fuzzer.seen())
        .filteredOn(frame -> "error".equals(frame.getString("type")))
        .allSatisfy(error -> assertThat(error.getString("code")).isNotBlank())
        .noneMatch(error -> "internal-error".equals(error.getString("code")));
  }

  @Test
  void randomFramesBeforeLoginAreRefusedAndLoginStillWorks() throws Exception {
    SignalingClient stranger = cluster.connect(0);

    sendAll(
        stranger,
        frames()
            .filter(frame -> !frame.contains("login"))
            .sampleStream()
            .limit(FRAMES / 3)
            .collect(Collectors.toList()));
    stranger.sendText("{\"type\":\"video-offer\",\"target\":\"bystander\",\"id\":\"last\"}");
    stranger.await(frame -> "last".equals(frame.getValue("ref")), TestCluster.TIMEOUT);

    assertThat(stranger.seen())
        .filteredOn(frame -> "error".equals(frame.getString("type")))
        .isNotEmpty()
        .noneMatch(error -> "internal-error".equals(error.getString("code")));
    assertThat(await(stranger.login("late-stranger")).getString("name")).isEqualTo("late-stranger");
  }

  /**
   * Sends each frame, then a probe request that orders after it: the connection must answer the
   * probe.
   */
  private static void sendAll(SignalingClient client, List<String> frames) throws Exception {
    int probe = 0;
    for (String frame : frames) {
      if (frame.startsWith("binary:")) {
        await(client.sendBinary(frame.substring(7).getBytes(StandardCharsets.UTF_8)));
      } else {
        await(client.sendText(frame));
      }
      if (++probe % 10 == 0 && client.name() != null) {
        await(client.request(new JsonObject().put("type", "ice-servers")));
      }
      assertThat(client.isClosed())
          .as("closed after %s", frame.length() > 200 ? frame.substring(0, 200) : frame)
          .isFalse();
    }
  }

  private static Arbitrary<String> frames() {
    Arbitrary<String> junk = Arbitraries.strings().ofMaxLength(200);
    Arbitrary<String> nested =
        Arbitraries.integers()
            .between(1, 5000)
            .map(
                depth ->
                    "{\"type\":\"x\",\"target\":\"bystander\",\"a\":"
                        + "[".repeat(depth)
                        + "]".repeat(depth)
                        + "}");
    Arbitrary<String> huge =
        Arbitraries.integers()
            .between(60_000, 300_000)
            .map(
                size ->
                    "{\"type\":\"x\",\"target\":\"bystander\",\"sdp\":\""
                        + "a".repeat(size)
                        + "\"}");
    Arbitrary<String> wrongTypes =
        Arbitraries.of(
            "{\"type\":1}",
            "{\"type\":\"x\",\"target\":[1]}",
            "{\"type\":\"x\",\"room\":{}}",
            "{\"type\":\"join\"}",
            "{\"type\":\"join\",\"room\":\"bad room\"}",
            "{\"type\":\"leave\",\"room\":\"nowhere\"}",
            "{\"type\":\"x\",\"room\":\"nowhere\",\"id\":5}",
            "{\"type\":\"token\",\"token\":7}",
            "{\"type\":\"login\",\"name\":\"\u0430lice\"}",
            "{\"type\":\"x\",\"target\":\"bystander\",\"id\":1.5}",
            "{\"type\":\"ack\",\"target\":\"bystander\"}",
            "{\"type\":\"x\",\"type\":\"y\",\"target\":\"bystander\"}",
            "[]",
            "null",
            "\"\"",
            "{\"type\":\"x\",\"target\":\"nobody\",\"id\":\"\u202e\ud83d\ude00\"}");
    Arbitrary<String> binary = Arbitraries.strings().ofMaxLength(50).map(s -> "binary:" + s);
    return Arbitraries.frequencyOf(
        Tuple.of(5, junk),
        Tuple.of(1, nested),
        Tuple.of(1, huge),
        Tuple.of(5, wrongTypes),
        Tuple.of(1, binary));
  }
}
