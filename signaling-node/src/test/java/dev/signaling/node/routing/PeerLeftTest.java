package dev.signaling.node.routing;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Those who were talking with a user hear when it goes, across nodes; nobody else does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerLeftTest {
  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster = TestCluster.start(true, 2);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void aDisconnectIsAnnouncedToWhoeverItTalkedWithOnAnyNode() throws Exception {
    SignalingClient alice = cluster.login("pl-alice", 0);
    SignalingClient bob = cluster.login("pl-bob", 1);
    SignalingClient carol = cluster.login("pl-carol", 0);
    await(alice.request(note("pl-bob")));
    bob.await("note", TestCluster.TIMEOUT);
    await(bob.request(note("pl-carol")));

    await(bob.close());

    JsonObject toAlice = alice.await("peer-left", TestCluster.TIMEOUT);
    assertThat(toAlice.getString("name")).isEqualTo("pl-bob");
    assertThat(toAlice.getString("reason")).isEqualTo("disconnect");
    assertThat(carol.await("peer-left", TestCluster.TIMEOUT).getString("name")).isEqualTo("pl-bob");
  }

  @Test
  void aLogoutSaysSoAndStrangersHearNothing() throws Exception {
    SignalingClient alice = cluster.login("lo-alice", 1);
    SignalingClient bob = cluster.login("lo-bob", 0);
    SignalingClient stranger = cluster.login("lo-stranger", 0);
    await(bob.request(note("lo-alice")));

    bob.send(new JsonObject().put("type", "logout"));

    JsonObject left = alice.await("peer-left", TestCluster.TIMEOUT);
    assertThat(left.getString("reason")).isEqualTo("logout");
    // A message the stranger sends itself orders after anything the logout could have caused.
    await(stranger.request(note("lo-stranger")));
    stranger.await("note", TestCluster.TIMEOUT);
    assertThat(stranger.seen()).noneMatch(frame -> "peer-left".equals(frame.getString("type")));
  }

  private static JsonObject note(String target) {
    return new JsonObject().put("type", "note").put("target", target);
  }
}
