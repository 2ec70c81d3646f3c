package dev.signaling.node.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * How {@code signaling-client.js} reconnects, in a real headless Chromium against two clustered
 * nodes: a room that no longer takes the client is dropped instead of being retried forever, and an
 * app that connects while a reconnect waits ends up with one connection, not two fighting over its
 * name.
 */
class ClientReconnectBrowserIT {
  /** The client's own lifecycle events, as the page's {@code window.lifecycle}. */
  private static final List<String> EVENTS =
      List.of("open", "close", "reconnecting", "reconnected", "rejoin-failed", "session-replaced");

  private TestCluster cluster;

  @BeforeEach
  void start() {
    if (!BrowserPage.browserInstalled()) {
      if ("true".equals(System.getenv("CI"))) {
        fail(
            "Chromium and chromedriver are required: "
                + BrowserPage.CHROMIUM
                + ", "
                + BrowserPage.CHROMEDRIVER);
      }
      assumeTrue(false, "Chromium or chromedriver is not installed; the browser tests are skipped");
    }
    cluster = TestCluster.start(true, 2, Map.of("MAX_ROOM_MEMBERS", "2"));
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRoomThatFilledUpDuringAReconnectIsDroppedAndTheClientStaysConnected(TestInfo test)
      throws Exception {
    SignalingClient bob = cluster.login("bob", 0);
    await(bob.join("pair"));
    try (BrowserPage alice = page("alice", test)) {
      assertThat(
              alice.evalAsync(
                  startClient("alice", "{ minDelayMs: 200, maxDelayMs: 1000 }")
                      + ".then(() => window.client.join('pair')).then(joined => joined.users.length)"))
          .isEqualTo(2L);

      restartNodeOneWhileCarolFillsTheRoom(bob, "pair");

      alice.waitUntil(
          "window.lifecycle.some(e => e.type === 'reconnected')", "alice's reconnect completes");
      assertThat(
              alice.eval(
                  "JSON.stringify(window.lifecycle.filter(e => e.type === 'rejoin-failed')"
                      + ".map(e => [e.room, e.code]))"))
          .isEqualTo("[[\"pair\",\"room-full\"]]");
      assertThat(alice.eval("window.client.isOpen() && window.client.name")).isEqualTo("alice");
      assertThat(alice.eval("[...window.client.rooms].length")).isEqualTo(0L);
      await(
          bob.request(
              new JsonObject()
                  .put("type", "note")
                  .put("target", "alice")
                  .put("text", "still there?")));
      alice.waitUntil(
          "window.notes.includes('still there?')", "alice, logged in again, receives a message");
      assertThat(await(bob.join("pair")).getJsonArray("users"))
          .as("the room's members")
          .containsExactly("bob", "carol");

      // With the old client every failed rejoin reconnected again within its backoff (here at most
      // 1 s).
      long reconnects = reconnecting(alice);
      assertStaysTrue(
          alice,
          "window.lifecycle.filter(e => e.type === 'reconnecting').length === "
              + reconnects
              + " && window.client.isOpen()",
          Duration.ofSeconds(4),
          "no further reconnect");
    }
  }

  @Test
  void theWebAppSaysItsRoomCouldNotBeRejoinedAndOffersToJoinAgain(TestInfo test) throws Exception {
    SignalingClient bob = cluster.login("bob", 0);
    await(bob.join("duo"));
    try (BrowserPage alice = page("alice", test)) {
      alice.login("duo");

      restartNodeOneWhileCarolFillsTheRoom(bob, "duo");

      alice.waitUntil(
          "!document.querySelector('[data-testid=login-form]').hidden", "the sign-in form is back");
      assertThat(alice.text("alert-text"))
          .isEqualTo("The connection came back, but you could not rejoin duo: The room is full.");
      assertThat(alice.text("connection")).isEqualTo("Offline");
      alice.screenshot("rejoin-failed");
    }
  }

  @Test
  void connectingWhileAReconnectWaitsLeavesOneConnection(TestInfo test) throws Exception {
    SignalingClient bob = cluster.login("bob", 0);
    try (BrowserPage dave = page("dave", test)) {
      // A long backoff, so that the reconnect is still waiting when the app connects by itself.
      assertThat(dave.evalAsync(startClient("dave", "{ minDelayMs: 8000, maxDelayMs: 8000 }")))
          .isEqualTo(true);

      cluster.restartNode(1);
      dave.waitUntil(
          "window.lifecycle.some(e => e.type === 'reconnecting')", "a reconnect is scheduled");
      // The reconnect scheduled last is the one still waiting (an earlier one may have found the
      // node down).
      Object connected =
          dave.evalAsync(
              "(() => { window.waiting = window.lifecycle.filter("
                  + "e => e.type === 'reconnecting').pop(); return window.client.connect(); })()"
                  + ".then(() => window.client.login('dave')).then(ok => ok.name)");
      assertThat(connected).isEqualTo("dave");
      // Past the moment the waiting reconnect would have fired, had connect() left it scheduled.
      dave.waitUntil(
          "Date.now() > window.waiting.at + window.waiting.delayMs + 1500",
          "the cancelled reconnect's time has passed");

      assertThat(dave.eval("window.lifecycle.filter(e => e.type === 'session-replaced').length"))
          .isEqualTo(0L);
      assertThat(dave.eval("window.lifecycle.filter(e => e.type === 'open').length"))
          .as("connections opened: the first, and the app's own")
          .isEqualTo(2L);
      assertThat(dave.eval("window.client.isOpen()")).isEqualTo(true);
      await(
          bob.request(
              new JsonObject()
                  .put("type", "note")
                  .put("target", "dave")
                  .put("text", "one of you?")));
      dave.waitUntil(
          "window.notes.includes('one of you?')", "dave receives a message on its one connection");
    }
  }

  /**
   * Stops node 1, where the browser is connected, until {@code bob} has seen the browser's user
   * leave {@code room} and carol has taken the free place, then starts it again on the same port.
   */
  private void restartNodeOneWhileCarolFillsTheRoom(SignalingClient bob, String room)
      throws Exception {
    int port = cluster.node(1).httpPort();
    cluster.closeNode(1);
    bob.await(
        frame ->
            "presence".equals(frame.getString("type"))
                && room.equals(frame.getString("room"))
                && Boolean.FALSE.equals(frame.getBoolean("online")),
        TestCluster.TIMEOUT);
    await(cluster.login("carol", 0).join(room));
    cluster.addNode(Map.of("HTTP_PORT", Integer.toString(port)));
  }

  /**
   * A promise that creates {@code window.client} from the served {@code signaling-client.js},
   * records its lifecycle events in {@code window.lifecycle} and the texts of {@code note}s in
   * {@code window.notes}, connects and logs in as {@code name}, and resolves with true.
   */
  private static String startClient(String name, String options) {
    return "import('/signaling-client.js').then(async ({ SignalingClient }) => {"
        + " const client = new SignalingClient(`ws://${location.host}/ws`, "
        + options
        + ");"
        + " window.lifecycle = []; window.notes = []; window.client = client;"
        + " for (const type of "
        + new JsonArray(EVENTS).encode()
        + ") {"
        + "   client.on(type, (arg) => window.lifecycle.push({ ...arg, type, at: Date.now() })); }"
        + " client.on('note', (note) => window.notes.push(note.text));"
        + " await client.connect(); await client.login("
        + BrowserPage.jsString(name)
        + "); return true; })";
  }

  private static long reconnecting(BrowserPage page) {
    return (Long) page.eval("window.lifecycle.filter(e => e.type === 'reconnecting').length");
  }

  /**
   * Checks {@code condition} every 100 ms for {@code window}: an event that must not happen,
   * happening.
   */
  private static void assertStaysTrue(
      BrowserPage page, String condition, Duration window, String what)
      throws InterruptedException {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      assertThat(page.eval(condition))
          .as(what + "; events: " + page.eval("JSON.stringify(window.lifecycle)"))
          .isEqualTo(true);
      Thread.sleep(100);
    }
  }

  private BrowserPage page(String user, TestInfo test) throws IOException {
    Path screenshots =
        Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName());
    BrowserPage page = BrowserPage.open(user, screenshots);
    page.load("http://127.0.0.1:" + cluster.node(1).httpPort() + "/");
    return page;
  }

  private static <T> T await(Future<T> future) {
    return TestCluster.await(future);
  }
}
