package dev.signaling.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Many idle logged-in connections: {@code users} connections are opened over {@code rampSeconds},
 * spread round the nodes, each logs in under a name of its own, and all of them stay open until
 * {@code durationSeconds} after the ramp has ended; then each closes. So the full number is held
 * together for {@code durationSeconds}.
 *
 * <p>While held, every connection sends itself a small message every {@code pingSeconds} (0:
 * never), as an application keep-alive would, and checks that it comes back with its own name as
 * {@code from}. The message has no {@code id}, so exactly one frame answers it and nothing races
 * its check. ({@code ping} itself is a type the protocol reserves, so the message is {@code
 * soak-ping}.)
 *
 * <p>What it finds: connections or logins refused past some number (limits of the node, of the
 * machine's file descriptors or of the client), connections the server drops while idle (its
 * WebSocket ping deadline), and the memory a node needs per connection, in its {@code /metrics}
 * while the connections are held.
 */
public class ConnectionSoakSimulation extends SignalingSimulation {
  private final int users = Params.positive("users", 200);
  private final int rampSeconds = Params.integer("rampSeconds", 30);
  private final int durationSeconds = Params.integer("durationSeconds", 60);
  private final int pingSeconds = Params.integer("pingSeconds", 10);
  private final int p99LoginMs = Params.positive("p99LoginMs", 2000);
  private final int p99PingMs = Params.positive("p99PingMs", 2000);

  /**
   * When every connection closes: the end of the ramp plus the hold, counted from the first user.
   */
  private volatile long holdUntilMillis;

  public ConnectionSoakSimulation() {
    ScenarioBuilder soak =
        scenario("connection soak")
            .exec(numberUser())
            .exec(
                session -> {
                  int index = session.getInt("index");
                  return session
                      .set("me", "s-" + runId + "-" + index)
                      .set("url", url(index))
                      .set("pings", 0);
                })
            .exec(ws("connect").connect(session -> session.getString("url")))
            .exec(
                ws("send login")
                    .sendText(session -> loginFrame(session.getString("me")))
                    .await(await)
                    .on(loginOk("login-ok", session -> session.getString("me"))))
            .exitHereIfFailed()
            .asLongAs(session -> remainingMillis() > 0)
            .on(
                pause(this::nextPause)
                    .doIf(session -> pingSeconds > 0 && remainingMillis() > 0)
                    .then(
                        exec(session -> session.set("pings", session.getInt("pings") + 1))
                            .exec(
                                ws("send soak-ping")
                                    .sendText(ConnectionSoakSimulation::ping)
                                    .await(await)
                                    .on(
                                        ws.checkTextMessage("soak-ping back")
                                            .check(
                                                jsonPath("$.type").is("soak-ping"),
                                                jsonPath("$.from")
                                                    .is(session -> session.getString("me")),
                                                jsonPath("$.n")
                                                    .ofInt()
                                                    .is(session -> session.getInt("pings")))))
                            .exitHereIfFailed()))
            .exec(ws("close").close());

    OpenInjectionStep injection =
        rampSeconds == 0
            ? atOnceUsers(users)
            : rampUsers(users).during(Duration.ofSeconds(rampSeconds));
    List<Assertion> assertions =
        new ArrayList<>(
            List.of(
                global().failedRequests().count().is(0L),
                // Every connection logged in and stayed to the end: none refused, none cut off by
                // maxDuration, and none dropped by the server while idle (Gatling records no close
                // for a connection already closed).
                details("login-ok").successfulRequests().count().is((long) users),
                details("close").successfulRequests().count().is((long) users),
                details("login-ok").responseTime().percentile(99.0).lt(p99LoginMs)));
    if (pingSeconds > 0 && durationSeconds > 0) {
      assertions.add(details("soak-ping back").responseTime().percentile(99.0).lt(p99PingMs));
    }
    setUp(soak.injectOpen(injection))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(rampSeconds + durationSeconds + 120L))
        .assertions(assertions);
  }

  @Override
  protected void onStart() {
    holdUntilMillis = System.currentTimeMillis() + (rampSeconds + durationSeconds) * 1000L;
  }

  private long remainingMillis() {
    return holdUntilMillis - System.currentTimeMillis();
  }

  /**
   * The next ping period, cut short at the end of the hold. The first one is spread over a period.
   */
  private Duration nextPause(Session session) {
    long period = pingSeconds > 0 ? pingSeconds * 1000L : Long.MAX_VALUE;
    long wait =
        session.getInt("pings") == 0 && pingSeconds > 0
            ? 1 + Math.floorMod(session.getInt("index") * 7919L, period)
            : period;
    return Duration.ofMillis(Math.max(0, Math.min(wait, remainingMillis())));
  }

  private static String ping(Session session) {
    return "{\"type\":\"soak-ping\",\"target\":\""
        + session.getString("me")
        + "\",\"n\":"
        + session.getInt("pings")
        + "}";
  }
}
