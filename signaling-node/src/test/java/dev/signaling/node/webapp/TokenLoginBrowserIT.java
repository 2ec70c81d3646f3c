package dev.signaling.node.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The web app on a node that requires tokens, served through a site ({@link TokenSite}) whose own
 * {@code /config.js} names its token endpoint: the page signs in with the site's tokens, renews
 * them before they expire, and logs in with a fresh one after a reconnect.
 */
class TokenLoginBrowserIT {
  private static final String SECRET = "a-test-secret-of-reasonable-length";

  /** Short, so that the page has to renew its token while the test watches. */
  private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(4);

  private static final String ALERT_HIDDEN = "document.querySelector('[data-testid=alert]').hidden";
  private static final String CONNECTION_STATE =
      "document.querySelector('[data-testid=connection]').dataset.state";

  private TestCluster cluster;
  private TokenSite site;

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
    cluster = TestCluster.start(false, 1, Map.of("JWT_HS256_SECRET", SECRET));
    site =
        TestCluster.await(
            TokenSite.start(
                cluster.clientVertx(), SECRET, TOKEN_LIFETIME, cluster.node(0).httpPort()));
  }

  @AfterEach
  void stop() {
    if (site != null) {
      site.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theAppSignsInWithTheSitesTokensRenewsThemAndTakesAFreshOneAfterAReconnect(TestInfo test)
      throws Exception {
    Path screenshots =
        Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName());
    try (BrowserPage alice = BrowserPage.open("alice", screenshots)) {
      alice.load("http://127.0.0.1:" + site.port() + "/?room=lobby");
      assertThat(alice.eval("document.querySelector('[data-testid=name-field]').hidden"))
          .as("the token names the person: no name to type")
          .isEqualTo(true);

      alice.click("join-button");
      alice.waitUntil("!(" + ALERT_HIDDEN + ")", "a banner is shown");
      assertThat(alice.text("alert-text"))
          .startsWith("Could not get a sign-in token: " + TokenSite.TOKEN_PATH + " answered 401.");

      // alice signs in on the site (in another tab, say), and tries again.
      alice.evalAsync("fetch('/site-login?user=alice&next=/favicon.ico').then(r => r.status)");
      alice.click("join-button");
      alice.waitUntil(
          "!document.querySelector('[data-testid=workspace]').hidden", "the room is shown");
      assertThat(alice.text("whoami")).isEqualTo("Signed in as alice");
      assertThat(alice.eval(ALERT_HIDDEN)).as("the sign-in error is gone").isEqualTo(true);
      alice.screenshot("signed-in-with-a-token");

      // Every change of the connection indicator from now on.
      alice.eval(
          "(() => { window.indicator = []; const e = document.querySelector('[data-testid=connection]');"
              + " new MutationObserver(() => window.indicator.push(e.dataset.state))"
              + ".observe(e, { attributes: true, childList: true, subtree: true }); return true; })()");
      int atLogin = site.tokensIssued("alice");
      Poll.until(
          () -> site.tokensIssued("alice") >= atLogin + 2,
          Duration.ofSeconds(15),
          "alice's page renews its token twice");
      // By now the login's token has expired: the connection lives on renewals, without a
      // reconnect.
      assertThat(alice.eval("JSON.stringify(window.indicator)")).isEqualTo("[]");
      assertThat(alice.eval(CONNECTION_STATE)).isEqualTo("online");

      cluster.restartNode(0);
      alice.waitUntil(
          "window.indicator.includes('reconnecting') && " + CONNECTION_STATE + " === 'online'",
          "alice's page is back, logged in with a fresh token, after the node restarted");
      assertThat(alice.text("whoami")).isEqualTo("Signed in as alice");
    }
  }
}
