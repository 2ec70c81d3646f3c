package dev.signaling.node.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Nginx;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The web app where WebSockets are blocked: pages served through a real nginx in front of two
 * clustered nodes, as nginx comes (no {@code Upgrade} passed on, every request balanced
 * round-robin, responses buffered unless they say otherwise), make video calls over the HTTP
 * transport, streaming; through a proxy that buffers every response, the page long-polls; and a
 * page on HTTP calls a page on a WebSocket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReverseProxyBrowserIT {
  private static final AtomicInteger ROOMS = new AtomicInteger();

  private TestCluster cluster;
  private Nginx nginx;

  @BeforeAll
  void start() throws IOException {
    boolean ready = BrowserPage.browserInstalled() && Nginx.installed();
    if (!ready) {
      if ("true".equals(System.getenv("CI"))) {
        fail(
            "Chromium, chromedriver and nginx are required: "
                + BrowserPage.CHROMIUM
                + ", "
                + BrowserPage.CHROMEDRIVER
                + ", "
                + Nginx.BINARY);
      }
      assumeTrue(false, "Chromium, chromedriver or nginx is not installed; the tests are skipped");
    }
    cluster = TestCluster.start(true, 2);
    nginx = Nginx.start(List.of(cluster.node(0).httpPort(), cluster.node(1).httpPort()));
  }

  @AfterAll
  void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoPagesBehindAProxyThatRefusesUpgradesCallEachOtherAcrossNodesOverHttp(TestInfo test)
      throws Exception {
    assertThatThrownBy(
            () ->
                TestCluster.await(
                    SignalingClient.connect(cluster.clientVertx(), "127.0.0.1", nginx.port())))
        .as("a WebSocket through the proxy")
        .isInstanceOf(AssertionError.class);
    String room = room();
    try (BrowserPage alice = page("alice", test, nginx.port(), room);
        BrowserPage bob = page("bob", test, nginx.port(), room)) {
      for (BrowserPage page : List.of(alice, bob)) {
        awaitTransport(page, "http-stream", "via HTTP streaming");
      }
      alice.screenshot("1-in-room");

      call(alice, bob);

      Map<String, Set<String>> nodes = nginx.nodesBySession();
      assertThat(nodes).as("HTTP sessions seen by the proxy").hasSizeGreaterThanOrEqualTo(2);
      assertThat(nodes.values())
          .as("the nodes that served each session's requests")
          .anySatisfy(served -> assertThat(served).hasSize(2));
      double forwarded = 0;
      for (int node = 0; node < 2; node++) {
        String scrape = Http.get(cluster.node(node).httpPort(), "/metrics").body();
        for (String request : new String[] {"send", "stream"}) {
          forwarded +=
              Http.sample(
                  scrape,
                  "signaling_http_requests_total{request=\""
                      + request
                      + "\",session=\"forwarded\"}");
        }
      }
      assertThat(forwarded)
          .as("requests the proxy sent to the node without the session")
          .isPositive();
    }
  }

  @Test
  void aPageLongPollingThroughABufferingProxyCallsAPageOnAWebSocket(TestInfo test)
      throws Exception {
    String room = room();
    try (BrowserPage alice = page("alice", test, nginx.bufferingPort(), room);
        BrowserPage bob = page("bob", test, cluster.node(1).httpPort(), room)) {
      awaitTransport(alice, "http-poll", "via HTTP long-polling");
      awaitTransport(bob, "websocket", "via WebSocket");
      alice.screenshot("1-in-room");

      call(alice, bob);
    }
  }

  /** alice calls bob, who accepts; both see and decode the other's video; alice hangs up. */
  private static void call(BrowserPage alice, BrowserPage bob) {
    alice.click("call-bob");
    bob.waitForStatus("incoming", "alice is calling");
    bob.click("accept-button");
    for (BrowserPage[] pair : new BrowserPage[][] {{alice, bob}, {bob, alice}}) {
      BrowserPage self = pair[0];
      String peer = pair[1].user();
      self.waitUntil(
          "window.signalingApp.peerConnections()['" + peer + "']?.connectionState === 'connected'",
          "connected to " + peer);
      long before = self.framesDecodedFrom(peer);
      Poll.until(
          () -> self.framesDecodedFrom(peer) > before + 10,
          Duration.ofSeconds(30),
          self.user() + " decodes video from " + peer);
    }
    alice.waitForStatus("active", "In call with bob.");
    alice.screenshot("2-in-call");
    bob.screenshot("2-in-call");

    alice.click("hangup-button");
    bob.waitForStatus("idle", "alice hung up.");
    alice.waitForStatus("idle", "Call ended.");
  }

  private static void awaitTransport(BrowserPage page, String transport, String shown) {
    page.waitUntil(
        "document.querySelector('[data-testid=transport]').dataset.transport === '"
            + transport
            + "'",
        page.user() + " signals over " + transport);
    assertThat(page.text("transport")).isEqualTo(shown);
    assertThat(page.text("connection")).isEqualTo("Connected");
  }

  private static BrowserPage page(String user, TestInfo test, int port, String room)
      throws IOException {
    Path screenshots =
        Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName());
    BrowserPage page = BrowserPage.open(user, screenshots);
    try {
      page.load("http://127.0.0.1:" + port + "/?room=" + room);
      page.login(room);
    } catch (RuntimeException failed) {
      page.close();
      throw failed;
    }
    return page;
  }

  private static String room() {
    return "proxied-" + ROOMS.incrementAndGet();
  }
}
