package dev.signaling.node.peerjs;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium page with the real {@code peerjs} client from npm, and a fake camera: the
 * test drives it through JavaScript, as an application would use the library.
 */
final class PeerJsBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String PEERJS_VERSION = "1.5.5";

  /** Where the build or {@code .ci/run} installs the client: {@code npm install --prefix}. */
  static final Path PEERJS_PREFIX = Path.of("target", "peerjs");

  static final Path BUNDLE =
      PEERJS_PREFIX.resolve("node_modules/peerjs/dist/peerjs.min.js").toAbsolutePath();

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;

  private PeerJsBrowser(ChromeDriver driver) {
    this.driver = driver;
  }

  static boolean browserInstalled() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /**
   * Installs the PeerJS client from npm into {@link #PEERJS_PREFIX} unless it is there; false when
   * it could not be.
   */
  static boolean installPeerJs() throws IOException, InterruptedException {
    if (Files.isRegularFile(BUNDLE)) {
      return true;
    }
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                PEERJS_PREFIX.toString(),
                "peerjs@" + PEERJS_VERSION)
            .inheritIO()
            .start();
    if (!npm.waitFor(3, TimeUnit.MINUTES)) {
      npm.destroyForcibly();
      return false;
    }
    return npm.exitValue() == 0 && Files.isRegularFile(BUNDLE);
  }

  /**
   * Serves the page and the PeerJS bundle on 127.0.0.1, a localhost origin the nodes allow by
   * default.
   */
  static HttpServer servePage(Vertx vertx) throws Exception {
    String page =
        "<!doctype html><html><head><meta charset=utf-8><title>peerjs</title>"
            + "<script src=\"/peerjs.min.js\"></script></head><body>"
            + "<video id=remote autoplay muted playsinline></video></body></html>";
    return vertx
        .createHttpServer()
        .requestHandler(
            request -> {
              if (request.path().equals("/peerjs.min.js")) {
                request
                    .response()
                    .putHeader("Content-Type", "text/javascript")
                    .sendFile(BUNDLE.toString());
              } else {
                request.response().putHeader("Content-Type", "text/html").end(page);
              }
            })
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  static PeerJsBrowser open(String url) throws IOException {
    Path profile = Files.createTempDirectory("chromium-peerjs");
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                // Host addresses in ICE candidates instead of mDNS names, which need a resolver.
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    driver.get(url);
    return new PeerJsBrowser(driver);
  }

  /** Runs statements in the page. */
  void run(String script) {
    driver.executeScript(script);
  }

  Object eval(String expression) {
    return driver.executeScript("return (" + expression + ");");
  }

  /** Evaluates an expression that yields a promise; returns what it resolves to. */
  Object evalAsync(String promiseExpression) {
    return driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "Promise.resolve("
            + promiseExpression
            + ").then(done, e => done({error: String(e)}));");
  }

  /** Polls a JavaScript condition every 100 ms until it holds; fails after {@code wait}. */
  void waitUntil(String condition, Duration wait, String what) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        if (Boolean.TRUE.equals(eval(condition))) {
          return;
        }
      } catch (JavascriptException notYet) {
        // The page is between states; ask again.
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within "
                + wait
                + ": "
                + what
                + "; page log: "
                + eval("JSON.stringify(window.log)"));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  void waitUntil(String condition, String what) {
    waitUntil(condition, WAIT, what);
  }

  @SuppressWarnings("unchecked")
  List<Object> list(String expression) {
    return (List<Object>) eval(expression);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
