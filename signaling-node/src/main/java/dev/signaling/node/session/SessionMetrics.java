package dev.signaling.node.session;

import dev.signaling.node.metrics.Metrics;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Meters of connections and logins on this node. */
public final class SessionMetrics {
  /** The values of the {@code transport} tag: what {@link ClientLink#transport()} may answer. */
  public static final List<String> TRANSPORTS = List.of("websocket", "http");

  private final Map<String, Counter> logins = new HashMap<>();
  private final Counter throttled;
  private final Map<ErrorCode, Counter> loginFailures = new EnumMap<>(ErrorCode.class);

  public SessionMetrics(MeterRegistry registry, LocalSessions sessions) {
    Gauge.builder(Metrics.PREFIX + "sessions", sessions, LocalSessions::size)
        .description("Logged-in sessions connected to this node")
        .register(registry);
    for (String transport : TRANSPORTS) {
      logins.put(
          transport,
          Counter.builder(Metrics.PREFIX + "logins")
              .description("Successful logins, by the transport that carried them")
              .tag("transport", transport)
              .register(registry));
    }
    throttled =
        Counter.builder(Metrics.PREFIX + "rate_limit_pauses")
            .description(
                "Times a connection spent its message budget and the node stopped reading it until it refilled")
            .register(registry);
    for (ErrorCode reason :
        new ErrorCode[] {
          ErrorCode.INVALID_NAME,
          ErrorCode.LOGIN_TIMEOUT,
          ErrorCode.SERVER_UNAVAILABLE,
          ErrorCode.UNAUTHORIZED,
          ErrorCode.TOKEN_EXPIRED,
          ErrorCode.NAME_TAKEN
        }) {
      loginFailures.put(
          reason,
          Counter.builder(Metrics.PREFIX + "login_failures")
              .description("Failed logins, by reason")
              .tag("reason", reason.code())
              .register(registry));
    }
  }

  void loggedIn(String transport) {
    logins.get(transport).increment();
  }

  void throttled() {
    throttled.increment();
  }

  void loginFailed(ErrorCode reason) {
    Counter failures = loginFailures.get(reason);
    if (failures != null) {
      failures.increment();
    }
  }
}
