package dev.signaling.node.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The web app end to end: each user in a real headless Chromium with a fake camera, the pages
 * served by two clustered nodes and talking through them. Screenshots of each step land in {@code
 * target/screenshots/<test>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAppBrowserIT {
  private static final AtomicInteger ROOMS = new AtomicInteger();
  private static final String ALERT_HIDDEN = "document.querySelector('[data-testid=alert]').hidden";

  /** Well below the 20 s a page used to take to notice a peer whose tab closed. */
  private static final Duration PEER_GONE = Duration.ofSeconds(10);

  private TestCluster cluster;

  @BeforeAll
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
    cluster = TestCluster.start(true, 2);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aVideoCallAcrossNodesConnectsCarriesVideoAndChatAndHangsUp(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room);
        BrowserPage bob = page("bob", test, 1, room)) {
      alice.screenshot("1-in-room");
      assertThat(alice.evalAsync(statusAndType("'/favicon.ico'"))).isEqualTo("200 image/x-icon");
      assertThat(alice.evalAsync(statusAndType("document.querySelector('link[rel=icon]').href")))
          .isEqualTo("200 image/svg+xml");
      alice.click("call-bob");
      bob.waitForStatus("incoming", "alice is calling");
      assertThat(bob.title()).startsWith("Incoming call");
      bob.screenshot("2-ringing");
      bob.click("accept-button");

      for (BrowserPage[] pair : new BrowserPage[][] {{alice, bob}, {bob, alice}}) {
        BrowserPage self = pair[0];
        String peer = pair[1].user();
        self.waitUntil(
            "window.signalingApp.peerConnections()['"
                + peer
                + "']?.connectionState === 'connected'",
            "connected to " + peer);
        self.waitUntil(
            "document.querySelector('[data-testid=\"remote-video-" + peer + "\"]').videoWidth > 0",
            peer + "'s video has a size");
        awaitMoreFrames(self, peer, self.framesDecodedFrom(peer));
      }
      alice.waitForStatus("active", "In call with bob.");
      assertThat(bob.title())
          .as("bob's tab title once he accepted")
          .doesNotContain("Incoming call");
      for (BrowserPage[] pair : new BrowserPage[][] {{alice, bob}, {bob, alice}}) {
        assertThat(pair[0].area("remote-video-" + pair[1].user()))
            .as(pair[0].user() + "'s view of the other")
            .isGreaterThan(4 * pair[0].area("local-video"));
      }
      alice.screenshot("3-in-call");
      bob.screenshot("3-in-call");

      alice.click("mute-button");
      alice.click("camera-button");
      alice.waitUntil(
          senderTrackEnabled("bob", "audio")
              + " === false && "
              + senderTrackEnabled("bob", "video")
              + " === false",
          "alice's microphone and camera are off");
      Poll.until(
          () -> bob.showsNameCard("alice"),
          Duration.ofSeconds(10),
          "bob sees alice's name, not black");
      assertThat(alice.showsNameCard("local")).as("alice's self view with her camera off").isTrue();
      alice.click("mute-button");
      alice.waitUntil(
          senderTrackEnabled("bob", "audio") + " === true", "alice's microphone is on again");

      alice.waitUntil(
          "!document.querySelector('[data-testid=chat-input]').disabled", "the chat is open");
      alice.type("chat-input", "hello over the data channel");
      alice.click("chat-send");
      bob.waitUntil(
          "document.querySelector('[data-testid=chat-log]').textContent.includes('hello over the data channel')",
          "bob receives the chat message");
      assertThat(bob.chatLines()).containsExactly("alice:hello over the data channel");
      bob.screenshot("4-chat");

      alice.click("hangup-button");
      bob.waitForStatus("idle", "alice hung up.");
      alice.waitForStatus("idle", "Call ended.");
      assertThat(alice.connectionStates()).isEmpty();
      assertThat(bob.connectionStates()).isEmpty();
      bob.screenshot("5-hung-up");
    }
  }

  @Test
  void aDeniedCameraIsExplainedAndNoCallStarts(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room, false);
        BrowserPage bob = page("bob", test, 1, room)) {
      alice.click("call-bob");

      alice.waitUntil("!document.querySelector('[data-testid=alert]').hidden", "an alert is shown");
      assertThat(alice.text("alert-text")).contains("Camera or microphone access was denied");
      alice.waitForStatus("idle", "Pick someone to call.");
      assertThat(bob.text("call-status")).doesNotContain("alice");
      alice.screenshot("denied");
    }
  }

  @Test
  void aPageReconnectsAndRejoinsWhenItsNodeRestarts(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room);
        BrowserPage bob = page("bob", test, 1, room)) {
      alice.waitUntil(
          "document.querySelector('[data-testid=\"user-bob\"]') !== null", "alice sees bob");

      cluster.restartNode(1);

      bob.waitUntil(
          "document.querySelector('[data-testid=connection]').dataset.state === 'online'"
              + " && document.querySelector('[data-testid=\"user-alice\"]') !== null",
          "bob is back in the room");
      alice.waitUntil(
          "document.querySelector('[data-testid=\"user-bob\"]') !== null", "alice sees bob again");
      bob.screenshot("reconnected");
      alice.click("call-bob");
      bob.waitForStatus("incoming", "alice is calling");
    }
  }

  @Test
  void aDeclinedCallIsShownToTheCaller(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room);
        BrowserPage bob = page("bob", test, 1, room)) {
      alice.click("call-bob");
      bob.waitForStatus("incoming", "alice is calling");
      bob.click("reject-button");

      alice.waitForStatus("error", "bob declined the call.");
      assertThat(alice.eval("document.querySelector('[data-testid=alert]').hidden"))
          .isEqualTo(false);
      alice.screenshot("declined");
      bob.waitForStatus("idle", "Call declined.");

      // Once a later call gets through, the banner about the declined one goes.
      alice.click("call-bob");
      bob.waitForStatus("incoming", "alice is calling");
      alice.waitUntil(
          ALERT_HIDDEN, Duration.ofSeconds(10), "the banner about the declined call is gone");
    }
  }

  @Test
  void aLongNameFitsItsCardAndAVoiceCallShowsNamesAndALostConnection(TestInfo test)
      throws Exception {
    String room = room();
    String longName = "a.very-long-name_that-fills-all-sixty-four-characters@example.io";
    assertThat(longName).hasSize(64);
    try (BrowserPage alice = page("alice", test, 0, room);
        BrowserPage other = page(longName, test, 1, room)) {
      alice.waitUntil(
          "document.querySelector('[data-testid=\"user-" + longName + "\"]') !== null",
          "alice sees the long name");
      alice.type("call-name-input", "alice");
      alice.click("call-name-button");
      alice.waitUntil("!(" + ALERT_HIDDEN + ")", "a banner is shown");
      assertThat(alice.text("alert-text")).isEqualTo("That is you.");
      assertThat(alice.insideAndClickable("call-" + longName, "people"))
          .as("Call inside the card")
          .isTrue();
      assertThat(alice.insideAndClickable("voice-" + longName, "people"))
          .as("Voice inside the card")
          .isTrue();
      alice.screenshot("1-long-name");

      alice.click("voice-" + longName);
      other.waitForStatus("incoming", "alice is calling (voice only)");
      alice.waitUntil(
          ALERT_HIDDEN,
          Duration.ofSeconds(10),
          "'That is you.' is gone once the call gets through");
      other.click("accept-button");
      alice.waitUntil(
          "window.signalingApp.peerConnections()["
              + BrowserPage.jsString(longName)
              + "]?.connectionState === 'connected'",
          "the voice call connects");
      Poll.until(
          () -> alice.showsNameCard(longName) && other.showsNameCard("alice"),
          Duration.ofSeconds(10),
          "both remote tiles of the voice call show names");
      assertThat(alice.text("name-card-" + longName)).contains(longName);
      assertThat(alice.area("remote-" + longName)).isGreaterThan(4 * alice.area("local-tile"));
      alice.screenshot("2-voice-call");

      other.closeTab();
      alice.waitUntil(
          "document.querySelector('[data-testid=call-status]').textContent === 'Connection to "
              + longName
              + " lost.'",
          PEER_GONE,
          "alice is told at once that the connection was lost");
      alice.screenshot("3-connection-lost");
    }
  }

  @Test
  void someoneAlreadyInACallAnswersBusy(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room);
        BrowserPage bob = page("bob", test, 1, room);
        BrowserPage carol = page("carol", test, 0, room)) {
      alice.click("voice-bob");
      bob.waitForStatus("incoming", "alice is calling (voice only)");
      bob.click("accept-button");
      bob.waitUntil(
          "window.signalingApp.peerConnections()['alice']?.connectionState === 'connected'",
          "the voice call connects");
      assertThat(bob.eval("document.querySelector('[data-testid=camera-button]').hidden"))
          .isEqualTo(true);

      carol.click("call-bob");
      carol.waitForStatus("error", "bob is busy in another call.");
      carol.screenshot("busy");
      bob.waitForStatus("active", "In call with alice.");
    }
  }

  @Test
  void callingSomeoneWhoJustLeftSaysTheyAreNotOnline(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room)) {
      try (BrowserPage bob = page("bob", test, 1, room)) {
        alice.waitUntil(
            "document.querySelector('[data-testid=\"user-bob\"]') !== null", "alice sees bob");
      }
      alice.waitUntil(
          "document.querySelector('[data-testid=\"user-bob\"]') === null",
          "bob's departure is shown");

      alice.type("call-name-input", "bob");
      alice.click("call-name-button");

      alice.waitForStatus("error", "bob is not online.");
      alice.screenshot("peer-unavailable");
    }
  }

  @Test
  void threePagesOverTwoNodesConnectAFullMesh(TestInfo test) throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, 0, room);
        BrowserPage bob = page("bob", test, 1, room);
        BrowserPage carol = page("carol", test, 1, room)) {
      List<BrowserPage> pages = List.of(alice, bob, carol);
      alice.waitUntil(
          "document.querySelectorAll('[data-testid=user-list] li').length === 2",
          "alice sees both");
      alice.click("group-call-button");
      for (BrowserPage invited : List.of(bob, carol)) {
        invited.waitForStatus("incoming", "alice invites everyone");
        invited.click("accept-button");
      }

      try {
        awaitMesh(pages);
      } catch (AssertionError failed) {
        pages.forEach(
            page ->
                System.err.println(
                    page.user()
                        + ": "
                        + page.describeConnections()
                        + "\n  "
                        + String.join("\n  ", page.consoleLog())));
        throw failed;
      }

      carol.closeTab();
      for (BrowserPage stays : List.of(alice, bob)) {
        stays.waitUntil(
            "document.querySelector('[data-testid=call-notice]').textContent"
                + " === 'Connection to carol lost.'"
                + " && document.querySelector('[data-testid=\"remote-carol\"]') === null",
            PEER_GONE,
            stays.user() + " is told carol is gone, and her tile is");
      }
      alice.waitForStatus("active", "Group call with bob.");
      alice.screenshot("carol-gone");
      bob.click("hangup-button");
      alice.waitForStatus("idle", "bob hung up. The group call is over.");
    }
  }

  /** Every page is connected to every other, showing and decoding its video. */
  private static void awaitMesh(List<BrowserPage> pages) {
    for (BrowserPage self : pages) {
      for (BrowserPage other : pages) {
        if (other == self) {
          continue;
        }
        String peer = other.user();
        self.waitUntil(
            "window.signalingApp.peerConnections()['"
                + peer
                + "']?.connectionState === 'connected'",
            self.user() + " connected to " + peer);
        self.waitUntil(
            "document.querySelector('[data-testid=\"remote-video-" + peer + "\"]').videoWidth > 0",
            self.user() + " shows " + peer + "'s video");
        awaitMoreFrames(self, peer, self.framesDecodedFrom(peer));
      }
      assertThat(self.connectionStates()).hasSize(2).containsValues("connected");
      self.screenshot("mesh");
    }
  }

  /** Video keeps decoding: the count of decoded frames from {@code peer} grows. */
  private static void awaitMoreFrames(BrowserPage self, String peer, long before) {
    Poll.until(
        () -> self.framesDecodedFrom(peer) > before + 10,
        Duration.ofSeconds(30),
        self.user() + " decodes new frames from " + peer);
  }

  /**
   * A promise of the HTTP status and content type with which the page's node answers a GET of
   * {@code url}.
   */
  private static String statusAndType(String url) {
    return "fetch(" + url + ").then(r => r.status + ' ' + r.headers.get('Content-Type'))";
  }

  private static String senderTrackEnabled(String peer, String kind) {
    return "window.signalingApp.peerConnections()['"
        + peer
        + "'].getSenders()"
        + ".find(s => s.track && s.track.kind === '"
        + kind
        + "').track.enabled";
  }

  private BrowserPage page(String user, TestInfo test, int node, String room) throws IOException {
    return page(user, test, node, room, true);
  }

  private BrowserPage page(String user, TestInfo test, int node, String room, boolean allowMedia)
      throws IOException {
    Path screenshots =
        Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName());
    BrowserPage page = BrowserPage.open(user, screenshots, allowMedia);
    try {
      page.load("http://127.0.0.1:" + cluster.node(node).httpPort() + "/?room=" + room);
      page.login(room);
    } catch (RuntimeException failed) {
      page.close();
      throw failed;
    }
    return page;
  }

  private static String room() {
    return "room-" + ROOMS.incrementAndGet();
  }
}
