package dev.signaling.node.webapp;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The web app in a real headless Chromium, one browser per user, with a fake camera and microphone.
 * Drives the page as a person would (typing, clicking) and reads what the person would see.
 */
final class BrowserPage implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DESCRIBE_CONNECTIONS =
      "JSON.stringify(Object.entries(window.signalingApp?.peerConnections()"
          + " || {}).map(([peer, pc]) => ({peer, connection: pc.connectionState, signaling: pc.signalingState,"
          + " ice: pc.iceConnectionState, gathering: pc.iceGatheringState, local: pc.localDescription?.type,"
          + " remote: pc.remoteDescription?.type})))";

  private final ChromeDriver driver;
  private final String user;
  private final Path screenshots;

  private BrowserPage(ChromeDriver driver, String user, Path screenshots) {
    this.driver = driver;
    this.user = user;
    this.screenshots = screenshots;
  }

  static boolean browserInstalled() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /**
   * A browser for {@code user} whose camera and microphone are allowed; screenshots under {@code
   * screenshots}.
   */
  static BrowserPage open(String user, Path screenshots) throws IOException {
    return open(user, screenshots, true);
  }

  /**
   * A browser for {@code user}; with {@code allowMedia} false, every camera and microphone prompt
   * is denied.
   */
  static BrowserPage open(String user, Path screenshots, boolean allowMedia) throws IOException {
    Path profile = Files.createTempDirectory("chromium-" + user);
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--use-fake-device-for-media-stream",
                allowMedia ? "--use-fake-ui-for-media-stream" : "--deny-permission-prompts",
                "--autoplay-policy=no-user-gesture-required",
                // This machine's network is closed: no background fetches that would only fail.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                // Real host addresses in ICE candidates instead of mDNS names, which need a
                // resolver.
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--window-size=1100,900",
                "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    Files.createDirectories(screenshots);
    return new BrowserPage(driver, user, screenshots);
  }

  /** The browser console so far. */
  List<String> consoleLog() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(entry -> entry.getLevel() + " " + entry.getMessage())
        .toList();
  }

  /** The page's peer connections in a line, for failure messages. */
  String describeConnections() {
    return String.valueOf(eval(DESCRIBE_CONNECTIONS));
  }

  String user() {
    return user;
  }

  void load(String url) {
    driver.get(url);
  }

  /** The tab's title, as the browser's tab strip shows it. */
  String title() {
    return driver.getTitle();
  }

  /**
   * Closes the page's tab as a person would, without hanging up; the browser goes on with an empty
   * tab, so that {@link #close()} still works.
   */
  void closeTab() {
    String appTab = driver.getWindowHandle();
    String blank = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
    driver.switchTo().window(appTab).close();
    driver.switchTo().window(blank);
  }

  /** Fills in the login form and waits until the room is shown. */
  void login(String room) {
    type("name-input", user);
    type("room-input", room);
    click("join-button");
    waitUntil("!document.querySelector('[data-testid=workspace]').hidden", "the room is shown");
  }

  void type(String testId, String text) {
    WebElement input = element(testId);
    input.clear();
    input.sendKeys(text);
  }

  void click(String testId) {
    waitUntil(
        "(() => { const e = document.querySelector('[data-testid=\""
            + testId
            + "\"]');"
            + " return e !== null && !e.disabled && e.offsetParent !== null; })()",
        testId + " can be clicked");
    element(testId).click();
  }

  String text(String testId) {
    return element(testId).getText();
  }

  /** Evaluates a JavaScript expression in the page. */
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

  /**
   * Polls a JavaScript condition every 100 ms until it holds; fails with the page's state after 30
   * s.
   */
  void waitUntil(String condition, String what) {
    waitUntil(condition, WAIT, what);
  }

  /**
   * Polls a JavaScript condition every 100 ms until it holds; fails with the page's state after
   * {@code wait}.
   */
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
        screenshot("timeout");
        throw new AssertionError(
            user
                + ": not within "
                + wait
                + ": "
                + what
                + "; status: \""
                + text("call-status")
                + "\"; alert: \""
                + eval("document.querySelector('[data-testid=alert-text]').textContent")
                + "\"; connections: "
                + eval(DESCRIBE_CONNECTIONS));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  /** Waits until the call status shows {@code state} and its text contains {@code words}. */
  void waitForStatus(String state, String words) {
    waitUntil(
        "(() => { const s = document.querySelector('[data-testid=call-status]');"
            + " return s.dataset.state === '"
            + state
            + "' && s.textContent.includes("
            + jsString(words)
            + "); })()",
        "call status " + state + " with \"" + words + "\"");
  }

  /** The peer connections of the current call by peer name, as connection states. */
  @SuppressWarnings("unchecked")
  Map<String, String> connectionStates() {
    return (Map<String, String>)
        eval(
            "Object.fromEntries(Object.entries(window.signalingApp.peerConnections())"
                + ".map(([peer, pc]) => [peer, pc.connectionState]))");
  }

  /**
   * Frames of video decoded so far from {@code peer}, from the connection's inbound-rtp statistics.
   */
  long framesDecodedFrom(String peer) {
    Object frames =
        evalAsync(
            "window.signalingApp.peerConnections()["
                + jsString(peer)
                + "].getStats().then(stats => {"
                + " let frames = 0; stats.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video')"
                + " frames += r.framesDecoded || 0; }); return frames; })");
    return ((Number) frames).longValue();
  }

  long remoteVideoWidth(String peer) {
    return ((Number)
            eval(
                "document.querySelector('[data-testid=\"remote-video-"
                    + peer
                    + "\"]')?.videoWidth || 0"))
        .longValue();
  }

  /**
   * The area in CSS pixels that the element with this test id takes on the screen; 0 when it is not
   * shown.
   */
  double area(String testId) {
    return ((Number)
            eval(
                "(() => { const r = document.querySelector('[data-testid=\""
                    + testId
                    + "\"]')"
                    + "?.getBoundingClientRect(); return r ? r.width * r.height : 0; })()"))
        .doubleValue();
  }

  /**
   * Whether the element with this test id lies wholly inside its closest ancestor of class {@code
   * container} and is what a click on its middle would hit (nothing covers it).
   */
  boolean insideAndClickable(String testId, String container) {
    return Boolean.TRUE.equals(
        eval(
            "(() => { const e = document.querySelector('[data-testid=\""
                + testId
                + "\"]');"
                + " const box = e.closest('."
                + container
                + "').getBoundingClientRect(); const r = e.getBoundingClientRect();"
                + " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                + " return r.width > 0 && r.left >= box.left && r.right <= box.right && r.top >= box.top"
                + " && r.bottom <= box.bottom && (hit === e || e.contains(hit)); })()"));
  }

  /**
   * Whether the tile of {@code who} ("local", or a peer's name) shows a name card instead of video.
   */
  boolean showsNameCard(String who) {
    return Boolean.TRUE.equals(
        eval(
            "(() => { const card = document.querySelector('[data-testid=\"name-card-"
                + who
                + "\"]'); return card !== null && card.offsetParent !== null"
                + " && card.getBoundingClientRect().height > 40; })()"));
  }

  List<String> chatLines() {
    return driver.findElements(By.cssSelector("[data-testid=chat-log] li")).stream()
        .map(WebElement::getText)
        .toList();
  }

  void screenshot(String step) {
    try {
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(),
          screenshots.resolve(step + "-" + user + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      System.err.println("could not save a screenshot of " + step + ": " + e);
    }
  }

  private WebElement element(String testId) {
    return driver.findElement(By.cssSelector("[data-testid=\"" + testId + "\"]"));
  }

  static String jsString(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Override
  public void close() {
    driver.quit();
  }
}
