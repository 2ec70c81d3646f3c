package dev.signaling.node.session;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A dropped connection resumed on another node within its window: what was sent to the user
 * meanwhile arrives once, in order, before anything newer, and its senders are acked; rooms are
 * kept without a word to the other members. Two clustered nodes, a short window.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeTest {
  private static final int WINDOW_SECONDS = 4;
  private static final Duration WAIT = TestCluster.TIMEOUT;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster =
        TestCluster.start(
            true,
            2,
            Map.of(
                "RESUME_SECONDS", Integer.toString(WINDOW_SECONDS), "RESUME_BUFFER_MESSAGES", "5"));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static String unique(String name) {
    return name + "-" + NAMES.incrementAndGet();
  }

  private static JsonObject note(String target, int n) {
    return new JsonObject().put("type", "note").put("target", target).put("n", n);
  }

  /** Closes the client's connection and waits until the cluster holds the user as away. */
  private void dropAndWaitUntilAway(SignalingClient client, String name) {
    await(client.close());
    Poll.until(
        () -> {
          var entry = await(cluster.node(0).presence().lookup(name));
          return entry != null && entry.away();
        },
        WAIT,
        name + " is away");
  }

  @Test
  void messagesToAnAwayUserArriveOnceInOrderAfterItResumesOnAnotherNodeAndAreAckedThen()
      throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(bobName, 0);
    String token = bob.resumeToken();
    assertThat(token).hasSizeGreaterThanOrEqualTo(43);
    await(alice.request(note(bobName, 0)));

    dropAndWaitUntilAway(bob, bobName);
    List<Future<JsonObject>> acks = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      acks.add(alice.request(note(bobName, n)));
    }
    assertThat(acks).noneMatch(Future::isComplete);

    SignalingClient resumed = cluster.connect(1);
    JsonObject ok = await(resumed.resume(bobName, token));
    assertThat(ok.getBoolean("resumed")).isTrue();
    assertThat(ok.getString("resume")).isNotEqualTo(token);
    for (int n = 1; n <= 3; n++) {
      assertThat(resumed.await("note", WAIT).getInteger("n")).isEqualTo(n);
    }
    for (Future<JsonObject> ack : acks) {
      assertThat(await(ack).getString("type")).isEqualTo("ack");
    }
    await(alice.request(note(bobName, 4)));
    assertThat(resumed.await("note", WAIT).getInteger("n")).isEqualTo(4);
    assertThat(resumed.drainInbox()).noneMatch(frame -> "note".equals(frame.getString("type")));
  }

  @Test
  void whenTheWindowEndsTheSendersAreToldPeerUnavailableAndThePeersPeerLeft() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 1);
    SignalingClient bob = cluster.login(bobName, 0);
    await(alice.request(note(bobName, 0)));

    dropAndWaitUntilAway(bob, bobName);
    Future<JsonObject> held = alice.request(note(bobName, 1).put("id", "h1"));

    assertThatThrownBy(() -> held.await(WINDOW_SECONDS * 4L, TimeUnit.SECONDS))
        .isInstanceOf(SignalingException.class)
        .hasMessageContaining("peer-unavailable");
    JsonObject left = alice.await("peer-left", WAIT);
    assertThat(left.getString("name")).isEqualTo(bobName);
    assertThat(await(cluster.node(1).presence().lookup(bobName))).isNull();
  }

  @Test
  void aFullBufferAnswersAtOnceWithItsOwnCode() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(bobName, 1);
    String token = bob.resumeToken();
    await(alice.request(note(bobName, 0)));
    dropAndWaitUntilAway(bob, bobName);

    for (int n = 1; n <= 5; n++) {
      alice.send(note(bobName, n));
    }
    assertThatThrownBy(() -> await(alice.request(note(bobName, 6))))
        .hasRootCauseInstanceOf(SignalingException.class)
        .rootCause()
        .hasMessageContaining("buffer-full");

    SignalingClient resumed = cluster.connect(0);
    assertThat(await(resumed.resume(bobName, token)).getBoolean("resumed")).isTrue();
    for (int n = 1; n <= 5; n++) {
      assertThat(resumed.await("note", WAIT).getInteger("n")).isEqualTo(n);
    }
  }

  @Test
  void aUsedOrWrongTokenLogsInFreshAndWhatWasHeldEndsPeerUnavailable() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(bobName, 0);
    String token = bob.resumeToken();
    await(alice.request(note(bobName, 0)));
    dropAndWaitUntilAway(bob, bobName);
    Future<JsonObject> held = alice.request(note(bobName, 1));

    SignalingClient impostor = cluster.connect(1);
    JsonObject fresh = await(impostor.resume(bobName, token + "x"));

    assertThat(fresh.getBoolean("resumed")).isFalse();
    assertThatThrownBy(() -> await(held))
        .hasRootCauseInstanceOf(SignalingException.class)
        .rootCause()
        .hasMessageContaining("peer-unavailable");
    assertThat(impostor.drainInbox()).noneMatch(frame -> "note".equals(frame.getString("type")));
    // The token of the session the fresh login ended cannot take the name back either.
    SignalingClient late = cluster.connect(0);
    assertThat(await(late.resume(bobName, token)).getBoolean("resumed")).isFalse();
  }

  @Test
  void aTokenServesOnce() throws Exception {
    String bobName = unique("bob");
    SignalingClient bob = cluster.login(bobName, 0);
    String token = bob.resumeToken();
    dropAndWaitUntilAway(bob, bobName);
    SignalingClient first = cluster.connect(1);
    assertThat(await(first.resume(bobName, token)).getBoolean("resumed")).isTrue();
    dropAndWaitUntilAway(first, bobName);

    SignalingClient again = cluster.connect(0);
    assertThat(await(again.resume(bobName, token)).getBoolean("resumed")).isFalse();
  }

  @Test
  void logoutEndsTheWindowAtOnce() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(bobName, 1);
    await(alice.request(note(bobName, 0)));

    bob.send(new JsonObject().put("type", "logout"));
    await(bob.closeFuture());

    Poll.until(
        () -> await(cluster.node(0).presence().lookup(bobName)) == null, WAIT, "bob is gone");
    assertThatThrownBy(() -> await(alice.request(note(bobName, 1))))
        .hasRootCauseInstanceOf(SignalingException.class)
        .rootCause()
        .hasMessageContaining("peer-unavailable");
    assertThat(alice.await("peer-left", WAIT).getString("reason")).isEqualTo("logout");
  }

  @Test
  void roomMembersSeeNoFlickerAndTheResumedMemberIsStillInTheRoom() throws Exception {
    String room = unique("lobby");
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(bobName, 1);
    await(alice.join(room));
    await(bob.join(room));
    alice.await(frame -> "presence".equals(frame.getString("type")), WAIT);
    String token = bob.resumeToken();

    dropAndWaitUntilAway(bob, bobName);
    SignalingClient resumed = cluster.connect(0);
    assertThat(await(resumed.resume(bobName, token)).getBoolean("resumed")).isTrue();
    JsonObject joined = resumed.await("joined", WAIT);
    assertThat(joined.getString("room")).isEqualTo(room);
    assertThat(joined.containsKey("id")).isFalse();
    assertThat(joined.getJsonArray("users").getList()).contains(alice.name(), bobName);

    JsonObject ack =
        await(alice.request(new JsonObject().put("type", "chat").put("room", room).put("t", 1)));
    assertThat(ack.getInteger("delivered")).isEqualTo(1);
    assertThat(resumed.await("chat", WAIT).getString("from")).isEqualTo(alice.name());
    assertThat(alice.seen())
        .noneMatch(
            frame ->
                "presence".equals(frame.getString("type"))
                    && bobName.equals(frame.getString("name"))
                    && !frame.getBoolean("online"));
  }
}
