package dev.signaling.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.WsFrameCheck;
import io.gatling.javaapi.http.WsSendTextActionBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Users joining and leaving rooms of {@code roomSize} (10) members, spread over the nodes.
 *
 * <p>User {@code i} (numbered as it starts) belongs to room {@code i / roomSize} and connects to
 * node {@code i mod n}, so every room has members on every node. The first user of each room is its
 * host: it joins, stays for the whole run and checks every {@code presence} event it is sent. The
 * other {@code roomSize - 1} members churn: {@code cycles} times each, they join (checking that
 * {@code joined} lists, in an array, themselves and the host), stay for about {@code staySeconds},
 * leave (checking {@code left}) and stay away for {@code awaySeconds}.
 *
 * <p>The host knows exactly what it must be told: for each churner, {@code cycles} times online and
 * as many times offline, alternating, starting with online, and only about the room's own members.
 * It waits for exactly that many events, one check each, and checks each against the ones before
 * ({@link PresenceLedger}); a missing event times out, an extra or out-of-order one fails its
 * check. For that count to hold, the host must be in the room before any churner joins: churners
 * wait (in this JVM, bounded) until their host's {@code joined} has been checked, which is also the
 * moment the host starts watching for events, in the same action, so no event can arrive unwatched.
 *
 * <p>Churners do not check the events they get about each other: those arrive at any time, also
 * while a churner waits for its own {@code left}, which therefore skips them (a matching condition
 * on the type).
 */
public class RoomChurnSimulation extends SignalingSimulation {
  private final int rooms = Params.positive("rooms", 10);
  private final int roomSize = Params.positive("roomSize", 10);
  private final int cycles = Params.positive("cycles", 3);
  private final int rampSeconds = Params.integer("rampSeconds", 10);
  private final int staySeconds = Params.integer("staySeconds", 2);
  private final int awaySeconds = Params.integer("awaySeconds", 1);

  /**
   * Longest wait of a host for the next event: churners may start up to a ramp later than their
   * host.
   */
  private final Duration eventWait =
      Duration.ofSeconds(
          Params.positive("eventWaitSeconds", 30 + rampSeconds + 2 * staySeconds + awaySeconds));

  private final int p99JoinMs = Params.positive("p99JoinMs", 2000);

  /** Rooms whose host has joined: churners may come in. */
  private final Set<Integer> openRooms = ConcurrentHashMap.newKeySet();

  public RoomChurnSimulation() {
    if (roomSize < 2) {
      throw new IllegalArgumentException(
          "-DroomSize must be at least 2: a host and someone to come and go");
    }
    ScenarioBuilder churn =
        scenario("room churn")
            .exec(numberUser())
            .exec(this::assignRole)
            .exec(ws("connect").connect(session -> session.getString("url")))
            .exec(
                ws("send login")
                    .sendText(session -> loginFrame(session.getString("me")))
                    .await(await)
                    .on(loginOk("login-ok", session -> session.getString("me"))))
            .exitHereIfFailed()
            .doIfOrElse(session -> session.getBoolean("host"))
            .then(host())
            .orElse(churner())
            .exec(ws("close").close());

    int users = rooms * roomSize;
    int churnersJoins = rooms * (roomSize - 1) * cycles;
    OpenInjectionStep injection =
        rampSeconds == 0
            ? atOnceUsers(users)
            : rampUsers(users).during(Duration.ofSeconds(rampSeconds));
    setUp(churn.injectOpen(injection))
        .protocols(protocol)
        .maxDuration(
            Duration.ofSeconds(
                    rampSeconds
                        + 120L
                        + (long) cycles * (2L * staySeconds + awaySeconds + 3 * await.toSeconds()))
                .plus(eventWait))
        .assertions(
            global().failedRequests().count().is(0L),
            // Every join and leave of every member happened (none cut off by maxDuration) ...
            details("joined").successfulRequests().count().is((long) rooms + churnersJoins),
            details("left").successfulRequests().count().is((long) rooms + churnersJoins),
            // ... and every host was told of each one.
            details("presence").successfulRequests().count().is(2L * churnersJoins),
            details("joined").responseTime().percentile(99.0).lt(p99JoinMs),
            details("left").responseTime().percentile(99.0).lt(p99JoinMs));
  }

  private Session assignRole(Session session) {
    int index = session.getInt("index");
    int room = index / roomSize;
    int slot = index % roomSize;
    return session.setAll(
        Map.of(
            "host",
            slot == 0,
            "roomIndex",
            room,
            "room",
            "room-" + runId + "-" + room,
            "me",
            member(room, slot),
            "hostName",
            member(room, 0),
            "url",
            url(index),
            "waited",
            0));
  }

  private String member(int room, int slot) {
    return (slot == 0 ? "h-" : "m-") + runId + "-" + room + "-" + slot;
  }

  private ChainBuilder host() {
    // One action: the join, its joined (which opens the room to the churners), then every event.
    WsSendTextActionBuilder watch =
        ws("send join").sendText(RoomChurnSimulation::joinFrame).await(await).on(joined(true));
    int events = 2 * (roomSize - 1) * cycles;
    for (int i = 0; i < events; i++) {
      watch =
          watch
              .await(eventWait)
              .on(
                  ws.checkTextMessage("presence")
                      .check(
                          jsonPath("$.type").is("presence"),
                          jsonPath("$.room").is(session -> session.getString("room")),
                          jsonPath("$")
                              .ofMap()
                              .transformWithSession(
                                  (event, session) ->
                                      ((PresenceLedger) session.get("ledger"))
                                          .record(event.get("name"), event.get("online")))
                              .is("ok")));
    }
    return exec(session ->
            session.set(
                "ledger",
                new PresenceLedger(
                    IntStream.range(1, roomSize)
                        .mapToObj(slot -> member(session.getInt("roomIndex"), slot))
                        .toList())))
        .exec(watch)
        .exitHereIfFailed()
        .exec(
            ws("send leave")
                .sendText(RoomChurnSimulation::leaveFrame)
                .await(await)
                .on(
                    left()
                        .check(
                            jsonPath("$.type")
                                .transformWithSession(
                                    (type, session) ->
                                        ((PresenceLedger) session.get("ledger")).allOffline())
                                .is("ok"))));
  }

  private ChainBuilder churner() {
    return exec(session -> session.set("waited", 0))
        // Until the host is in (bounded: past it, the join goes ahead and its check fails).
        .asLongAs(
            session ->
                !openRooms.contains(session.getInt("roomIndex"))
                    && session.getInt("waited") < eventWait.toMillis() / 100)
        .on(
            pause(Duration.ofMillis(100))
                .exec(session -> session.set("waited", session.getInt("waited") + 1)))
        .exec(
            repeat(cycles, "cycle")
                .on(
                    exec(ws("send join")
                            .sendText(RoomChurnSimulation::joinFrame)
                            .await(await)
                            .on(joined(false)))
                        .exitHereIfFailed()
                        .pause(
                            Duration.ofMillis(staySeconds * 500L),
                            Duration.ofMillis(staySeconds * 1500L))
                        .exec(
                            ws("send leave")
                                .sendText(RoomChurnSimulation::leaveFrame)
                                .await(await)
                                .on(left()))
                        .exitHereIfFailed()
                        .pause(Duration.ofSeconds(awaySeconds))));
  }

  private static String joinFrame(Session session) {
    return "{\"type\":\"join\",\"room\":\""
        + session.getString("room")
        + "\",\"id\":\""
        + joinId(session)
        + "\"}";
  }

  private static String leaveFrame(Session session) {
    return "{\"type\":\"leave\",\"room\":\""
        + session.getString("room")
        + "\",\"id\":\""
        + leaveId(session)
        + "\"}";
  }

  private static String joinId(Session session) {
    return "join-" + (session.contains("cycle") ? session.getInt("cycle") : "host");
  }

  private static String leaveId(Session session) {
    return "leave-" + (session.contains("cycle") ? session.getInt("cycle") : "host");
  }

  /**
   * The answer to a join: nothing can come before it (the joiner was in no room), so no matching
   * condition. The host's opens the room to its churners as soon as it has passed.
   */
  private WsFrameCheck.Text joined(boolean host) {
    return ws.checkTextMessage("joined")
        .check(
            jsonPath("$.type").is("joined"),
            jsonPath("$.room").is(session -> session.getString("room")),
            jsonPath("$.id").is(RoomChurnSimulation::joinId),
            jmesPath("type(users)").is("array"),
            jsonPath("$.users")
                .ofList()
                .transformWithSession(
                    (users, session) -> {
                      boolean complete =
                          users.contains(session.getString("me"))
                              && users.contains(session.getString("hostName"));
                      if (complete && host) {
                        openRooms.add(session.getInt("roomIndex"));
                      }
                      return complete;
                    })
                .is(true));
  }

  /** The answer to a leave; other members' presence events may come before it and are skipped. */
  private static WsFrameCheck.Text left() {
    return ws.checkTextMessage("left")
        .matching(jsonPath("$.type").not("presence"))
        .check(
            jsonPath("$.type").is("left"),
            jsonPath("$.room").is(session -> session.getString("room")),
            jsonPath("$.id").is(RoomChurnSimulation::leaveId));
  }
}
