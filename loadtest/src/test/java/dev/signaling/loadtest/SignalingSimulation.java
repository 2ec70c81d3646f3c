package dev.signaling.loadtest;

import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.WsFrameCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What the simulations share: where the nodes are, the numbering of virtual users, the login, and
 * the in-process nodes of a run given no {@code baseUrls}.
 *
 * <p>Gatling builds the scenario in the constructor, before {@link #before()} has started any node,
 * so the scenario reads the node URLs at run time through {@link #url(int)}.
 */
public abstract class SignalingSimulation extends Simulation {
  /** {@code -DbaseUrls}; empty: {@code -DinProcessNodes} nodes are started in this JVM. */
  protected final List<String> configuredUrls = Params.baseUrls();

  protected final int inProcessNodes = Params.positive("inProcessNodes", 2);

  /**
   * How long one awaited server message may take before its check fails ({@code -DawaitSeconds}).
   */
  protected final Duration await = Duration.ofSeconds(Params.positive("awaitSeconds", 10));

  protected final String runId = Params.runId();

  private final AtomicInteger nextIndex = new AtomicInteger();
  private volatile List<String> urls = List.of();
  private InProcessCluster inProcess;

  /**
   * HTTP protocol for WebSockets only. No warm-up request: Gatling's default one goes to the
   * internet.
   */
  protected final HttpProtocolBuilder protocol = http.disableWarmUp();

  @Override
  public void before() {
    if (configuredUrls.isEmpty()) {
      System.out.println(
          "No -DbaseUrls: starting " + inProcessNodes + " clustered nodes in this JVM");
      inProcess = InProcessCluster.start(inProcessNodes);
      urls = inProcess.urls();
    } else {
      urls = configuredUrls;
    }
    System.out.println(getClass().getSimpleName() + " run " + runId + " against " + urls);
    onStart();
  }

  /** Called at the end of {@link #before()}, just before the first virtual user starts. */
  protected void onStart() {}

  @Override
  public void after() {
    if (inProcess != null) {
      inProcess.close();
    }
  }

  /** The WebSocket URL of node {@code index}, counting round the list. */
  protected String url(int index) {
    List<String> current = urls;
    return current.get(Math.floorMod(index, current.size()));
  }

  protected int nodeCount() {
    return urls.size();
  }

  /**
   * Gives the virtual user the next number, 0, 1, 2, ... in the order users start, as session
   * attribute {@code index}. Every simulation derives a user's role, name and node from it.
   */
  protected Function<Session, Session> numberUser() {
    return session -> session.set("index", nextIndex.getAndIncrement());
  }

  protected static String loginFrame(String name) {
    return "{\"type\":\"login\",\"name\":\"" + name + "\",\"id\":\"login\"}";
  }

  /** The answer to {@link #loginFrame}: {@code login-ok} for that name, echoing the login's id. */
  protected static WsFrameCheck.Text loginOk(String checkName, Function<Session, String> name) {
    return ws.checkTextMessage(checkName)
        .check(
            jsonPath("$.type").is("login-ok"),
            jsonPath("$.name").is(name),
            jsonPath("$.id").is("login"),
            jsonPath("$.node").exists());
  }
}
