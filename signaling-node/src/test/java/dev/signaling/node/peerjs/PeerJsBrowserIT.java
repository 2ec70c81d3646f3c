package dev.signaling.node.peerjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Unchanged PeerJS applications on the cluster: the real {@code peerjs} client from npm in headless
 * Chromium, each page pointed at a different node with only {@code host}, {@code port} and {@code
 * secure}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerJsBrowserIT {
  /** What the pages run: a Peer that records what happens to it, as an application would. */
  private static final String HELPERS =
      """
      window.log = [];
      window.startPeer = (id, port, token) => {
        const options = {host: '127.0.0.1', port: port, secure: false};
        if (token) options.token = token;
        const peer = new Peer(id, options);
        peer.errors = []; peer.received = []; peer.opened = false; peer.wasDisconnected = false;
        peer.on('open', () => { peer.opened = true; });
        peer.on('error', e => { peer.errors.push(e.type); log.push(id + ': ' + e.type + ' ' + e.message); });
        peer.on('disconnected', () => { peer.wasDisconnected = true; });
        peer.on('connection', c => c.on('data', d => { peer.received.push(d); c.send('echo:' + d); }));
        peer.on('call', call => {
          peer.lastCall = call;
          call.on('stream', s => { peer.remoteStream = s; });
          navigator.mediaDevices.getUserMedia({video: true, audio: false}).then(s => call.answer(s));
        });
        return peer;
      };
      window.connectTo = (peer, other) => {
        const c = peer.connect(other);
        c.replies = [];
        c.on('open', () => c.send('hello'));
        c.on('data', d => c.replies.push(d));
        return c;
      };
      window.framesDecoded = call => call.peerConnection.getStats().then(stats => {
        let frames = 0;
        stats.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0; });
        return frames;
      });
      """;

  private TestCluster cluster;
  private HttpServer pages;

  @BeforeAll
  void start() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!PeerJsBrowser.browserInstalled()) {
      if (ci) {
        fail("Chromium and chromedriver are required");
      }
      assumeTrue(false, "Chromium or chromedriver is not installed; the browser tests are skipped");
    }
    if (!PeerJsBrowser.installPeerJs()) {
      if (ci) {
        fail("could not install peerjs@" + PeerJsBrowser.PEERJS_VERSION + " with npm");
      }
      assumeTrue(
          false, "npm could not install the peerjs client; the PeerJS browser tests are skipped");
    }
    cluster = TestCluster.start(true, 2);
    pages = PeerJsBrowser.servePage(cluster.clientVertx());
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private PeerJsBrowser page() throws Exception {
    PeerJsBrowser page = PeerJsBrowser.open("http://127.0.0.1:" + pages.actualPort() + "/");
    page.run(HELPERS);
    return page;
  }

  private static String id(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void startPeer(PeerJsBrowser page, String variable, String id, int port) {
    page.run("window." + variable + " = startPeer('" + id + "', " + port + ")");
    page.waitUntil(variable + ".opened", id + " is open");
  }

  private static long frames(PeerJsBrowser page, String call) {
    return ((Number) page.evalAsync("framesDecoded(" + call + ")")).longValue();
  }

  @Test
  void pagesOnTwoNodesExchangeDataBothWaysAndVideo() throws Exception {
    String alice = id("alice");
    String bob = id("bob");
    try (PeerJsBrowser alicePage = page();
        PeerJsBrowser bobPage = page()) {
      startPeer(alicePage, "peer", alice, cluster.node(0).httpPort());
      startPeer(bobPage, "peer", bob, cluster.node(1).httpPort());

      alicePage.run("window.conn = connectTo(peer, '" + bob + "')");
      bobPage.waitUntil("peer.received.includes('hello')", "bob receives alice's message");
      alicePage.waitUntil("conn.replies.includes('echo:hello')", "alice receives bob's answer");

      alicePage.run(
          "navigator.mediaDevices.getUserMedia({video: true, audio: false}).then(s => {"
              + " window.call = peer.call('"
              + bob
              + "', s); call.on('stream', r => { window.remote = r;"
              + " document.getElementById('remote').srcObject = r; }); })");
      alicePage.waitUntil("window.remote !== undefined", "alice gets bob's video");
      bobPage.waitUntil("peer.remoteStream !== undefined", "bob gets alice's video");
      for (String[] side : new String[][] {{"alice", "call"}, {"bob", "peer.lastCall"}}) {
        PeerJsBrowser page = side[0].equals("alice") ? alicePage : bobPage;
        long before = frames(page, side[1]);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long after = before;
        while (after <= before + 10 && System.nanoTime() < deadline) {
          page.evalAsync("new Promise(r => setTimeout(r, 200))");
          after = frames(page, side[1]);
        }
        assertThat(after).as(side[0] + "'s decoded video frames grow").isGreaterThan(before + 10);
      }
    }
  }

  @Test
  void anIdInUseIsTakenAndAnIdNeverConnectedExpires() throws Exception {
    String alice = id("alice");
    try (PeerJsBrowser page = page()) {
      startPeer(page, "peer", alice, cluster.node(0).httpPort());

      page.run("window.thief = startPeer('" + alice + "', " + cluster.node(1).httpPort() + ")");
      page.waitUntil("thief.errors.includes('unavailable-id')", "the second Peer gets ID-TAKEN");
      assertThat(page.eval("thief.opened")).isEqualTo(false);

      long start = System.nanoTime();
      page.run("window.lost = peer.connect('" + id("nobody") + "')");
      page.waitUntil(
          "peer.errors.includes('peer-unavailable')",
          Duration.ofSeconds(15),
          "connecting to an id nobody holds ends in peer-unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("held for the expire timeout first")
          .isGreaterThan(Duration.ofMillis(4500));
      assertThat(page.eval("peer.opened && !peer.disconnected")).isEqualTo(true);
    }
  }

  @Test
  void aPeerWhoseNodeIsKilledKeepsItsConnectionAndComesBackOnAnotherNode() throws Exception {
    String alice = id("alice");
    String bob = id("bob");
    try (ChildNode child = ChildNode.joining(cluster, "peerjs-browser");
        PeerJsBrowser alicePage = page();
        PeerJsBrowser bobPage = page()) {
      child.login(cluster, id("probe")); // waits until the child node takes clients
      startPeer(alicePage, "peer", alice, cluster.node(0).httpPort());
      startPeer(bobPage, "peer", bob, child.httpPort());
      alicePage.run("window.conn = connectTo(peer, '" + bob + "')");
      alicePage.waitUntil("conn.replies.includes('echo:hello')", "connected through the child");

      child.kill();

      bobPage.waitUntil("peer.wasDisconnected", "bob's Peer sees its server gone");
      alicePage.run("conn.send('after the kill')");
      alicePage.waitUntil(
          "conn.replies.includes('echo:after the kill')",
          "the peer-to-peer connection goes on without the signaling node");

      alicePage.run("window.again = peer.connect('" + bob + "')");
      alicePage.waitUntil(
          "peer.errors.includes('peer-unavailable')",
          Duration.ofSeconds(30),
          "a new connection to bob, gone with his node, expires");

      bobPage.run(
          "window.back = startPeer('"
              + bob
              + "', "
              + cluster.node(1).httpPort()
              + ", peer.options.token)");
      bobPage.waitUntil("back.opened", "bob takes his id back on a surviving node");
      alicePage.run("window.third = connectTo(peer, '" + bob + "')");
      alicePage.waitUntil("third.replies.includes('echo:hello')", "alice reaches bob again");
    }
  }
}
