package dev.signaling.node.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import dev.signaling.node.transport.http.RawHttp.Event;
import dev.signaling.node.transport.http.RawHttp.Events;
import dev.signaling.node.transport.http.RawHttp.Reply;
import dev.signaling.node.transport.http.RawHttp.Session;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP transport's own rules, spoken by hand against two clustered nodes (and a third with
 * tight limits): credentials, origins, posts sent twice or out of turn, polls and streams that ask
 * again, the backlog, the message budget, the idle time, the drain. What the protocol does over it
 * is in {@code HttpRoutingTest} and its siblings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTransportTest {
  private static final Duration WAIT = TestCluster.TIMEOUT;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private TestCluster cluster;
  private int owner;
  private int other;
  private int strict;

  @BeforeAll
  void start() {
    cluster = TestCluster.start(true, 2);
    owner = cluster.node(0).httpPort();
    other = cluster.node(1).httpPort();
    strict =
        cluster
            .addNode(
                Map.of(
                    "HTTP_SESSION_IDLE_SECONDS", "2",
                    "RATE_LIMIT_PER_SECOND", "20",
                    "RATE_LIMIT_BURST", "5"))
            .httpPort();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void aSessionIsNamedByItsNodeAndRandomBitsAndEveryRequestNeedsItsKey() throws Exception {
    Session session = RawHttp.create(owner);
    Session another = RawHttp.create(owner);

    assertThat(session.id()).matches(cluster.node(0).nodeId() + "\\.[A-Za-z0-9_-]{22}");
    assertThat(session.key()).matches("[A-Za-z0-9_-]{43}");
    assertThat(another.id()).isNotEqualTo(session.id());
    assertThat(another.key()).isNotEqualTo(session.key());
    String login = login(unique("keyed"));
    for (int port : new int[] {owner, other}) {
      String path = "/" + session.id();
      assertThat(RawHttp.request("POST", port, path + "/send?seq=0", null, null, login).status())
          .isEqualTo(401);
      assertThat(RawHttp.request("GET", port, path + "/poll", null, null, null).status())
          .isEqualTo(401);
      assertThat(RawHttp.request("GET", port, path + "/stream", null, null, null).status())
          .isEqualTo(401);
      for (String key : new String[] {another.key(), session.key() + "x", ""}) {
        Reply refused = RawHttp.request("POST", port, path + "/send?seq=0", key, null, login);
        assertThat(refused.status()).as("a post with a wrong key").isEqualTo(404);
        assertThat(refused.json().getString("error")).isEqualTo("unknown-session");
        assertThat(RawHttp.request("GET", port, path + "/poll", key, null, null).status())
            .isEqualTo(404);
        assertThat(RawHttp.request("DELETE", port, path, key, null, null).status()).isEqualTo(404);
      }
      assertThat(RawHttp.request("GET", port, "/nobody.x/poll", session.key(), null, null).status())
          .isEqualTo(404);
    }

    // None of the refused posts was read: the session's first post is its login.
    assertThat(RawHttp.send(other, session, 0, login).status()).isEqualTo(204);
    assertThat(new Poller(session).next(other).getString("type")).isEqualTo("login-ok");
  }

  @Test
  void pagesOfOtherOriginsAreRefusedOnEveryRequestAndAllowedOnesGetCorsHeaders() {
    String evil = "https://evil.example";
    assertThat(RawHttp.request("POST", owner, "", null, evil, "").status()).isEqualTo(403);
    Session session = RawHttp.create(owner);
    String path = "/" + session.id();
    String login = login(unique("origin"));
    assertThat(RawHttp.request("POST", other, path + "/send?seq=0", session.key(), evil, login))
        .extracting(Reply::status)
        .isEqualTo(403);
    assertThat(RawHttp.request("GET", other, path + "/poll", session.key(), evil, null).status())
        .isEqualTo(403);

    String page = "http://localhost:3000";
    Reply created = RawHttp.request("POST", other, "", null, page, "");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.headers().firstValue("Access-Control-Allow-Origin")).hasValue(page);
    Reply preflight = RawHttp.request("OPTIONS", owner, path + "/send", null, page, null);
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .contains("X-Signaling-Session-Key");
    // The refused post was not read: the same sequence number is still the next.
    assertThat(RawHttp.send(owner, session, 0, login).status()).isEqualTo(204);
  }

  @Test
  void aPostSentTwiceIsReadOnceAndPostsOutOfTurnAreRefused() throws Exception {
    String name = unique("twice");
    Session session = RawHttp.create(owner);

    assertThat(RawHttp.send(other, session, 0, login(name)).status()).isEqualTo(204);
    assertThat(RawHttp.send(owner, session, 0, login(name)).status()).isEqualTo(204);
    Reply early = RawHttp.send(other, session, 2, note(name, "n"));
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().getString("message")).contains("expected seq=1");
    assertThat(RawHttp.send(other, session, 1, note(name, "n")).status()).isEqualTo(204);

    Poller frames = new Poller(session);
    assertThat(frames.next(owner).getString("type")).isEqualTo("login-ok");
    assertThat(frames.next(owner).getString("type")).isEqualTo("note");
    assertThat(frames.next(other)).isEqualTo(new JsonObject().put("type", "ack").put("id", "n"));
    assertThat(frames.received).noneMatch(frame -> "error".equals(frame.getString("type")));
  }

  @Test
  void aPollAnswersWhatWaitsAgainWhenItsAnswerWasLostAndWaitsForWhatComes() throws Exception {
    String name = unique("poller");
    Session session = RawHttp.create(owner);
    RawHttp.send(owner, session, 0, login(name) + "\n" + note(name, "1"));
    Poll.until(
        () -> RawHttp.poll(other, session, 0).json().getLong("last") >= 3,
        WAIT,
        "login-ok, the note and its ack are written");

    JsonObject first = RawHttp.poll(other, session, 0).json();
    JsonObject again = RawHttp.poll(owner, session, 0).json();
    assertThat(first.getJsonArray("frames")).hasSize(3);
    assertThat(again).as("asked again from the same point").isEqualTo(first);
    assertThat(RawHttp.poll(other, session, 2).json().getJsonArray("frames"))
        .containsExactly(new JsonObject().put("type", "ack").put("id", "1"));

    CompletableFuture<Reply> waiting =
        CompletableFuture.supplyAsync(() -> RawHttp.poll(other, session, 3));
    Thread.sleep(500);
    assertThat(waiting).as("a poll with nothing to answer waits").isNotDone();
    SignalingClient sender = cluster.login(unique("sender"), 1);
    TestCluster.await(sender.request(new JsonObject().put("type", "hi").put("target", name)));
    JsonObject arrived = waiting.get(5, TimeUnit.SECONDS).json();
    assertThat(arrived.getJsonArray("frames").getJsonObject(0).getString("from"))
        .isEqualTo(sender.name());
    assertThat(arrived.getLong("last")).isEqualTo(4);
  }

  @Test
  void aStreamOpenedAgainOnAnotherNodeGoesOnAfterTheLastEventReceived() throws Exception {
    String name = unique("streamer");
    Session session = RawHttp.create(owner);
    try (Events stream = RawHttp.stream(other, session, null)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      assertThat(stream.headers().firstValue("X-Accel-Buffering")).hasValue("no");
      RawHttp.send(owner, session, 0, login(name));
      Event loginOk = stream.next(WAIT);
      assertThat(loginOk.id()).isEqualTo("1");
      assertThat(loginOk.json().getString("type")).isEqualTo("login-ok");
    }
    RawHttp.send(other, session, 1, note(name, "a") + "\n" + note(name, "b"));

    List<String> ids = new ArrayList<>();
    List<String> types = new ArrayList<>();
    try (Events stream = RawHttp.stream(owner, session, "1")) {
      for (int i = 0; i < 4; i++) {
        Event event = stream.next(WAIT);
        ids.add(event.id());
        types.add(event.json().getString("type"));
      }
    }
    assertThat(ids).containsExactly("2", "3", "4", "5");
    assertThat(types).containsExactly("note", "ack", "note", "ack");
  }

  @Test
  void aFrameWrittenOnSeveralLinesReachesAStreamAsOneEvent() throws Exception {
    String name = unique("reader");
    Session session = RawHttp.create(other);
    RawHttp.send(owner, session, 0, login(name));
    SignalingClient sender = cluster.login(unique("writer"), 0);
    try (Events stream = RawHttp.stream(owner, session, null)) {
      assertThat(stream.next(WAIT).json().getString("type")).isEqualTo("login-ok");
      sender.sendText("{\"type\":\"note\",\r\n\"target\":\"" + name + "\",\n\"n\":[1,\n2]}");

      Event note = stream.next(WAIT);
      assertThat(note.data()).doesNotContain("\n").doesNotContain("\r");
      assertThat(note.json())
          .isEqualTo(
              new JsonObject()
                  .put("from", sender.name())
                  .put("type", "note")
                  .put("target", name)
                  .put("n", new JsonArray().add(1).add(2)));
    }
  }

  @Test
  void aClientThatTakesNothingIsClosedAsTooSlow() throws Exception {
    String name = unique("slow");
    Session session = RawHttp.create(owner);
    RawHttp.send(other, session, 0, login(name));
    Poller frames = new Poller(session);
    assertThat(frames.next(other).getString("type")).isEqualTo("login-ok");

    SignalingClient sender = cluster.login(unique("flooder"), 1);
    String padding = "x".repeat(60_000);
    for (int i = 0; i < 20; i++) {
      sender.send(new JsonObject().put("type", "big").put("target", name).put("pad", padding));
    }
    // The messages after the close find the slow client gone.
    sender.await(frame -> "peer-unavailable".equals(frame.getString("code")), WAIT);

    JsonObject close = frames.untilClosed(owner);
    assertThat(close).isEqualTo(new JsonObject().put("code", 1008).put("reason", "too slow"));
    assertThat(frames.received.size()).as("frames written before the close").isLessThan(20);
  }

  @Test
  void postsWaitWhileTheSessionReadsSlowlyAndEveryFrameIsAnswered() throws Exception {
    String name = unique("eager");
    Session session = RawHttp.create(strict);
    RawHttp.send(other, session, 0, login(name));
    Poller frames = new Poller(session);
    frames.next(other);
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      burst.append(note(name, "b" + i)).append('\n');
    }

    long start = System.nanoTime();
    assertThat(RawHttp.send(owner, session, 1, burst.toString()).status()).isEqualTo(204);
    Duration held = Duration.ofNanos(System.nanoTime() - start);

    // 5 at once, the other 25 at 20 a second.
    assertThat(held).isGreaterThan(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(5));
    for (int i = 0; i < 30; i++) {
      String id = "b" + i;
      frames.until(
          other,
          frame -> "ack".equals(frame.getString("type")) && id.equals(frame.getString("id")));
    }
    assertThat(frames.received).noneMatch(frame -> "error".equals(frame.getString("type")));
  }

  @Test
  void aSessionWithoutRequestsEndsAfterTheIdleTimeAsADroppedConnection() throws Exception {
    String name = unique("idle");
    Session session = RawHttp.create(strict);
    RawHttp.send(owner, session, 0, login(name));
    Poller frames = new Poller(session);
    assertThat(frames.next(other).getString("type")).isEqualTo("login-ok");
    long silentFrom = System.nanoTime();

    Poll.until(
        () -> TestCluster.await(cluster.node(0).presence().lookup(name)) == null,
        WAIT,
        "presence forgets " + name);
    Duration silence = Duration.ofNanos(System.nanoTime() - silentFrom);

    assertThat(silence).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(frames.untilClosed(other))
        .isEqualTo(new JsonObject().put("code", 1001).put("reason", "idle"));
    assertThat(RawHttp.send(owner, session, 1, note(name, "late")).status()).isEqualTo(410);
  }

  @Test
  void aSessionEndedByItsClientIsGoneAtOnce() throws Exception {
    String name = unique("leaver");
    Session session = RawHttp.create(owner);
    RawHttp.send(other, session, 0, login(name));
    Poller frames = new Poller(session);
    frames.next(other);

    assertThat(RawHttp.request("DELETE", other, "/" + session.id(), session.key(), null, null))
        .extracting(Reply::status)
        .isEqualTo(204);

    Poll.until(
        () -> TestCluster.await(cluster.node(1).presence().lookup(name)) == null,
        WAIT,
        "presence forgets " + name);
    assertThat(frames.untilClosed(owner))
        .isEqualTo(new JsonObject().put("code", 1000).put("reason", ""));
  }

  @Test
  void metricsTellTheTransportsApart() throws Exception {
    Session session = RawHttp.create(owner);
    RawHttp.send(other, session, 0, login(unique("counted")));
    new Poller(session).next(other);

    String scrape = Http.get(owner, "/metrics").body();
    assertThat(Http.sample(scrape, "signaling_logins_total{transport=\"http\"}")).isPositive();
    assertThat(Http.sample(scrape, "signaling_connections{transport=\"http\"}")).isPositive();
    String forwarded = Http.get(other, "/metrics").body();
    assertThat(
            Http.sample(
                forwarded, "signaling_http_requests_total{request=\"send\",session=\"forwarded\"}"))
        .isPositive();
  }

  @Test
  void aDrainingNodeSendsItsHttpClientsAwayAndThenTheirSessionsAreUnknown() throws Exception {
    SignalingNode leaving = cluster.addNode(Map.of("DRAIN_SECONDS", "1"));
    int port = leaving.httpPort();
    Session session = RawHttp.create(port);
    RawHttp.send(other, session, 0, login(unique("drained")));
    Poller frames = new Poller(session);
    frames.next(other);

    var drained = leaving.drainAndClose();
    assertThat(RawHttp.request("POST", port, "", null, null, "").status()).isEqualTo(503);
    JsonObject goAway = frames.until(other, frame -> "go-away".equals(frame.getString("type")));
    assertThat(goAway.getLong("reconnectAfterMs")).isBetween(0L, 999L);
    assertThat(frames.untilClosed(other))
        .isEqualTo(new JsonObject().put("code", 1001).put("reason", "going away"));
    TestCluster.await(drained);
    assertThat(RawHttp.poll(other, session, frames.ack).status()).isEqualTo(404);
  }

  @Test
  void aNodeWithoutTheTransportAnswersNotFound() {
    try (TestCluster single =
        TestCluster.start(false, 1, Map.of("HTTP_TRANSPORT_ENABLED", "false"))) {
      assertThat(RawHttp.request("POST", single.node(0).httpPort(), "", null, null, "").status())
          .isEqualTo(404);
    }
  }

  private static String unique(String name) {
    return name + "-" + NAMES.incrementAndGet();
  }

  private static String login(String name) {
    return new JsonObject().put("type", "login").put("name", name).encode();
  }

  /** A note to oneself, which is acked. */
  private static String note(String self, String id) {
    return new JsonObject().put("type", "note").put("target", self).put("id", id).encode();
  }

  /** Polls a session as a long-polling client does: each poll acknowledges what came before. */
  private static final class Poller {
    private final Session session;
    private final List<JsonObject> pending = new ArrayList<>();
    final List<JsonObject> received = new ArrayList<>();
    long ack;
    JsonObject close;

    Poller(Session session) {
      this.session = session;
    }

    /** The next frame, polled through {@code port} when none is waiting. */
    JsonObject next(int port) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (pending.isEmpty()) {
        if (close != null || System.nanoTime() > deadline) {
          throw new AssertionError("no frame came; close: " + close + "; received: " + received);
        }
        poll(port);
      }
      return pending.remove(0);
    }

    JsonObject until(int port, Predicate<JsonObject> match) {
      while (true) {
        JsonObject next = next(port);
        if (match.test(next)) {
          return next;
        }
      }
    }

    /** Polls until the session's close comes, keeping the frames before it; returns the close. */
    JsonObject untilClosed(int port) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (close == null) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the session did not close; received: " + received);
        }
        poll(port);
      }
      return close;
    }

    private void poll(int port) {
      Reply reply = RawHttp.poll(port, session, ack);
      assertThat(reply.status()).as("poll: " + reply.body()).isEqualTo(200);
      JsonObject answer = reply.json();
      answer.getJsonArray("frames").forEach(frame -> pending.add((JsonObject) frame));
      answer.getJsonArray("frames").forEach(frame -> received.add((JsonObject) frame));
      ack = answer.getLong("last");
      close = answer.getJsonObject("close");
    }
  }
}
