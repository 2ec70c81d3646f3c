package dev.signaling.node.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import dev.signaling.node.transport.ManagementRoutes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A video call survives the death of the callee's node: three clustered nodes that resume sessions,
 * the callee's in a JVM of its own that the test kills with {@code kill -9}. The callee's page,
 * which lists the nodes, resumes its session on another one; the media never stops, the caller's
 * page shows nothing of it, and the call can still be renegotiated through the cluster afterwards.
 */
class ResumeBrowserIT {
  private static final Map<String, String> RESUMING = Map.of("RESUME_SECONDS", "30");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ROOM = "resume-room";
  private static final String NO_NOTICE_OR_ALERT =
      "document.querySelector('[data-testid=call-notice]').hidden"
          + " && document.querySelector('[data-testid=alert]').hidden";

  @BeforeEach
  void browserInstalled() {
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
  }

  @Test
  void aCallGoesOnWhenTheCalleesNodeIsKilledAndCanBeRenegotiatedAfterTheResume(TestInfo test)
      throws Exception {
    Path screenshots =
        Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName());
    // Nodes A and C in this JVM (TestCluster generates a cluster name of its own), B apart.
    try (TestCluster cluster = TestCluster.start(true, 2, RESUMING);
        ChildNode nodeB = ChildNode.joining(cluster, "resume-browser-b", RESUMING)) {
      nodeB.login(cluster, "probe"); // waits until node B takes clients
      int portA = cluster.node(0).httpPort();
      int portB = nodeB.httpPort();
      int portC = cluster.node(1).httpPort();
      try (NodeListSite site =
              TestCluster.await(
                  NodeListSite.start(cluster.clientVertx(), portA, List.of(portB, portC, portA)));
          BrowserPage alice = BrowserPage.open("alice", screenshots);
          BrowserPage bob = BrowserPage.open("bob", screenshots)) {
        alice.load("http://127.0.0.1:" + portA + "/?room=" + ROOM);
        alice.login(ROOM);
        bob.load(site.url("/?room=" + ROOM));
        bob.login(ROOM);
        assertThat(bob.eval("window.signalingApp.signalingUrl()"))
            .isEqualTo("ws://127.0.0.1:" + portB + "/ws");

        alice.click("call-bob");
        bob.waitForStatus("incoming", "alice is calling");
        bob.click("accept-button");
        for (BrowserPage[] pair : new BrowserPage[][] {{alice, bob}, {bob, alice}}) {
          awaitVideo(pair[0], pair[1].user());
        }
        alice.waitForStatus("active", "In call with bob.");
        bob.screenshot("1-in-call");

        assertThat(clusterMembersSeenBy(portA)).as("members before the kill").isEqualTo(3);
        long aliceFramesAtKill = alice.framesDecodedFrom("bob");
        long bobFramesAtKill = bob.framesDecodedFrom("alice");
        long killedAt = System.currentTimeMillis();
        nodeB.kill();

        bob.waitUntil(
            "window.signalingApp.reconnects().some(r => r.resumed)",
            WAIT,
            "bob's page resumes its session");
        long resumedAt = ((Number) bob.eval("window.signalingApp.reconnects()[0].at")).longValue();
        assertThat(bob.eval("window.signalingApp.reconnects().length"))
            .as("reconnects of bob's page")
            .isEqualTo(1L);
        assertThat(bob.eval("window.signalingApp.signalingUrl()"))
            .as("the node after B in bob's list")
            .isEqualTo("ws://127.0.0.1:" + portC + "/ws");
        bob.waitUntil(
            "document.querySelector('[data-testid=connection]').dataset.state === 'online'",
            "bob's page says it is connected");
        awaitMoreFrames(alice, "bob", aliceFramesAtKill);
        awaitMoreFrames(bob, "alice", bobFramesAtKill);

        // Once the survivors have declared B dead, whatever they do about its users has been done.
        Poll.until(
            () -> clusterMembersSeenBy(portA) == 2,
            WAIT,
            "node A sees node B gone from the cluster");
        assertStaysTrue(
            alice,
            NO_NOTICE_OR_ALERT
                + " && document.querySelector('[data-testid=\"user-bob\"]') !== null"
                + " && document.querySelector('[data-testid=call-status]').textContent"
                + ".startsWith('In call with bob.')",
            Duration.ofSeconds(3),
            "alice's page goes on with the call, bob listed, nothing said about him leaving");
        alice.waitForStatus("active", "In call with bob.");
        assertThat(bob.text("call-status")).startsWith("In call with alice.");
        long aliceFramesAfter = alice.framesDecodedFrom("bob");
        long bobFramesAfter = bob.framesDecodedFrom("alice");
        alice.screenshot("2-after-the-kill");
        bob.screenshot("2-after-the-kill");

        // The camera's state travels over the data channel, which never needed the node.
        bob.click("camera-button");
        alice.waitUntil(
            "document.querySelector('[data-testid=\"remote-bob\"]').dataset.video === 'off'",
            "alice sees bob's camera off");
        bob.click("camera-button");
        alice.waitUntil(
            "document.querySelector('[data-testid=\"remote-bob\"]').dataset.video === 'on'",
            "alice sees bob's camera on again");

        // A renegotiation from the resumed page: its offer goes out through node C, the answer
        // comes back from node A.
        String bobUfragBefore = (String) bob.eval(ufrag("alice", "localDescription"));
        bob.eval("window.signalingApp.peerConnections()['alice'].restartIce() ?? true");
        bob.waitUntil(
            ufrag("alice", "localDescription")
                + " !== "
                + BrowserPage.jsString(bobUfragBefore)
                + " && "
                + pc("alice")
                + ".signalingState === 'stable'",
            "bob's offer with new ICE credentials is answered");
        String bobUfragAfter = (String) bob.eval(ufrag("alice", "localDescription"));
        alice.waitUntil(
            ufrag("bob", "remoteDescription") + " === " + BrowserPage.jsString(bobUfragAfter),
            "alice applied bob's new offer");
        for (BrowserPage[] pair : new BrowserPage[][] {{alice, bob}, {bob, alice}}) {
          awaitVideo(pair[0], pair[1].user());
        }
        assertThat(alice.eval(NO_NOTICE_OR_ALERT)).isEqualTo(true);
        alice.screenshot("3-renegotiated");

        alice.click("hangup-button");
        bob.waitForStatus("idle", "alice hung up.");
        Measurements.record(
            "web app, kill -9 of the callee's node during a video call: the callee's page resumed"
                + " on another node "
                + (resumedAt - killedAt)
                + " ms after the kill; frames decoded by the caller "
                + aliceFramesAtKill
                + " at the kill, "
                + aliceFramesAfter
                + " once the node was declared dead; by the callee "
                + bobFramesAtKill
                + " and "
                + bobFramesAfter
                + "; an ICE restart afterwards renegotiated through the cluster");
      }
    }
  }

  @Test
  void theClientResumesFallsBackToAFreshLoginWhenItCannotAndEndsTheSessionWhenClosed(TestInfo test)
      throws Exception {
    Path screenshots =
        Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName());
    try (TestCluster cluster = TestCluster.start(true, 2, RESUMING)) {
      int port0 = cluster.node(0).httpPort();
      int port1 = cluster.node(1).httpPort();
      SignalingClient carol = cluster.login("carol", 0);
      TestCluster.await(carol.join(ROOM));
      try (NodeListSite site =
              TestCluster.await(
                  NodeListSite.start(cluster.clientVertx(), port0, List.of(port1, port0)));
          BrowserPage dave = BrowserPage.open("dave", screenshots)) {
        dave.load(site.url("/"));
        assertThat(dave.evalAsync(startClient(List.of(port1, port0), "dave", ROOM)))
            .isEqualTo(true);
        awaitPresence(carol, true);

        // A connection that drops, as a network change would drop it: the session is taken over.
        int seenBeforeDrop = carol.seen().size();
        dave.eval("window.client.channel.close(4001, 'dropped') ?? true");
        dave.waitUntil(
            "window.events.filter(e => e.type === 'joined').length === 2",
            "dave's client reconnects, and the node says which rooms it is in");
        assertThat(dave.eval("JSON.stringify(window.events.map(e => [e.type, e.resumed ?? null]))"))
            .as("lifecycle events, the joined the node sends for the resumed session included")
            .isEqualTo(
                "[[\"joined\",null],[\"resumed\",null],[\"reconnected\",true],[\"joined\",null]]");
        assertThat(
                dave.eval("window.events.filter(e => e.type === 'joined').map(e => typeof e.id)"))
            .as("the first joined answered join(), the other came unasked")
            .isEqualTo(List.of("string", "undefined"));
        assertThat(dave.eval("window.client.url")).isEqualTo("ws://127.0.0.1:" + port0 + "/ws");
        TestCluster.await(
            carol.request(
                new JsonObject().put("type", "note").put("target", "dave").put("text", "still?")));
        dave.waitUntil("window.notes.includes('still?')", "dave receives a note after resuming");
        assertThat(presenceOf(carol, seenBeforeDrop))
            .as("presence events carol got about dave since the drop")
            .isEmpty();

        // A token the node no longer knows: a fresh login, and the room joined again.
        int seenBeforeStale = carol.seen().size();
        dave.eval(
            "(() => { window.events = []; window.client.resumeToken = 'stale';"
                + " window.client.channel.close(4001, 'dropped'); return true; })()");
        dave.waitUntil(
            "window.events.some(e => e.type === 'reconnected')", "dave's client reconnects again");
        assertThat(dave.eval("JSON.stringify(window.events.map(e => [e.type, e.resumed ?? null]))"))
            .as("lifecycle events of a reconnect that could not resume")
            .isEqualTo("[[\"joined\",null],[\"reconnected\",false]]");
        assertThat(dave.eval("typeof window.events[0].id"))
            .as("the rejoin's answer")
            .isEqualTo("string");
        assertThat(dave.eval("window.client.url"))
            .as("the next node, from the start of the list")
            .isEqualTo("ws://127.0.0.1:" + port1 + "/ws");
        awaitPresence(carol, true);
        assertThat(presenceOf(carol, seenBeforeStale))
            .as("dave's earlier session ended, the new one joined")
            .containsExactly(false, true);

        // close() ends the session at once, not after the window.
        long closedAt = System.nanoTime();
        dave.eval("window.client.close() ?? true");
        awaitPresence(carol, false);
        Duration offlineAfter = Duration.ofNanos(System.nanoTime() - closedAt);
        assertThat(offlineAfter).isLessThan(Duration.ofSeconds(10));
        Measurements.record(
            "JS client close() on a node that resumes sessions: the room saw the user offline "
                + offlineAfter.toMillis()
                + " ms later (the resume window is 30 s)");
      }
    }
  }

  /**
   * A promise that creates {@code window.client} from the served {@code signaling-client.js} with
   * the nodes on {@code ports}, records its 'resumed', 'reconnected' and 'joined' events in {@code
   * window.events} and the texts of notes in {@code window.notes}, logs in as {@code name}, joins
   * {@code room} and resolves with true.
   */
  private static String startClient(List<Integer> ports, String name, String room) {
    String urls =
        ports.stream().map(port -> "'ws://127.0.0.1:" + port + "/ws'").toList().toString();
    return "import('/signaling-client.js').then(async ({ SignalingClient }) => {"
        + " const client = new SignalingClient("
        + urls
        + ", { minDelayMs: 200, maxDelayMs: 1000 });"
        + " window.client = client; window.events = []; window.notes = [];"
        + " for (const type of ['resumed', 'reconnected', 'joined']) {"
        + "   client.on(type, (arg) => window.events.push({ ...arg, type })); }"
        + " client.on('note', (note) => window.notes.push(note.text));"
        + " await client.connect(); await client.login("
        + BrowserPage.jsString(name)
        + "); await client.join("
        + BrowserPage.jsString(room)
        + "); return true; })";
  }

  /** Waits until {@code carol} gets dave's presence in the room, online or not. */
  private static void awaitPresence(SignalingClient carol, boolean online) throws Exception {
    carol.await(
        frame ->
            "presence".equals(frame.getString("type"))
                && "dave".equals(frame.getString("name"))
                && Boolean.valueOf(online).equals(frame.getBoolean("online")),
        WAIT);
  }

  /**
   * Whether dave was online, by each presence event about him {@code carol} got after {@code from}
   * frames.
   */
  private static List<Boolean> presenceOf(SignalingClient carol, int from) {
    List<JsonObject> seen = carol.seen();
    return seen.subList(from, seen.size()).stream()
        .filter(frame -> "presence".equals(frame.getString("type")))
        .filter(frame -> "dave".equals(frame.getString("name")))
        .map(frame -> frame.getBoolean("online"))
        .toList();
  }

  /** Connected to {@code peer}, showing its video, and decoding new frames. */
  private static void awaitVideo(BrowserPage self, String peer) {
    self.waitUntil(pc(peer) + "?.connectionState === 'connected'", "connected to " + peer);
    self.waitUntil(
        "document.querySelector('[data-testid=\"remote-video-" + peer + "\"]').videoWidth > 0",
        peer + "'s video has a size");
    awaitMoreFrames(self, peer, self.framesDecodedFrom(peer));
  }

  /**
   * Video keeps decoding: the count of decoded frames from {@code peer} grows past {@code from}.
   */
  private static void awaitMoreFrames(BrowserPage self, String peer, long from) {
    Poll.until(
        () -> self.framesDecodedFrom(peer) > from + 10,
        WAIT,
        self.user() + " decodes new frames from " + peer);
  }

  private static String pc(String peer) {
    return "window.signalingApp.peerConnections()[" + BrowserPage.jsString(peer) + "]";
  }

  /** The ICE username fragment of a description of the connection to {@code peer}. */
  private static String ufrag(String peer, String description) {
    return pc(peer) + "." + description + ".sdp.match(/a=ice-ufrag:(\\S+)/)[1]";
  }

  private static long clusterMembersSeenBy(int port) {
    String scrape = Http.get(port, ManagementRoutes.METRICS).body();
    return Math.round(Http.sample(scrape, "signaling_cluster_members"));
  }

  /** Checks {@code condition} every 100 ms for {@code window}: it must hold all along. */
  private static void assertStaysTrue(
      BrowserPage page, String condition, Duration window, String what)
      throws InterruptedException {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      assertThat(page.eval(condition))
          .as(
              what
                  + "; status: "
                  + page.text("call-status")
                  + "; notice: "
                  + page.text("call-notice"))
          .isEqualTo(true);
      Thread.sleep(100);
    }
  }
}
