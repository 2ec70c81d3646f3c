package dev.signaling.node.routing;

import dev.signaling.node.metrics.Metrics;
import dev.signaling.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Meters of relayed messages. Every counter is resolved once here, so recording a message is an
 * array lookup and an increment, never a registry lookup on the hot path. Tags are drawn from fixed
 * sets: no user, room or message type ever becomes a tag.
 */
public final class RelayMetrics {

  /** What kind of signaling a message is, by its type. */
  public enum Family {
    SDP,
    ICE,
    CALL_CONTROL,
    OTHER;

    public static Family of(String type) {
      switch (type) {
        case "video-offer", "video-answer", "offer", "answer":
          return SDP;
        case "new-ice-candidate", "ice-candidate", "candidate":
          return ICE;
        case "hang-up", "call-request", "call-accept", "call-reject", "call-cancel":
          return CALL_CONTROL;
        default:
          return OTHER;
      }
    }

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What became of a message for one user. */
  public enum Outcome {
    DELIVERED_LOCAL,
    DELIVERED_REMOTE,
    PEER_UNAVAILABLE,
    DELIVERY_FAILED,
    REJECTED;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Counter[][] messages = new Counter[Family.values().length][Outcome.values().length];
  private final Map<ErrorCode, Counter> rejected = new EnumMap<>(ErrorCode.class);
  private final Timer localLatency;
  private final Timer remoteLatency;
  private final Counter acks;
  private final Counter roomMessages;
  private final Counter roomDeliveries;

  public RelayMetrics(MeterRegistry registry) {
    for (Family family : Family.values()) {
      for (Outcome outcome : Outcome.values()) {
        messages[family.ordinal()][outcome.ordinal()] =
            Counter.builder(Metrics.PREFIX + "messages")
                .description("Messages for one user, by type family and outcome")
                .tag("family", family.tag())
                .tag("outcome", outcome.tag())
                .register(registry);
      }
    }
    for (ErrorCode code : ErrorCode.values()) {
      rejected.put(
          code,
          Counter.builder(Metrics.PREFIX + "messages_rejected")
              .description("Client messages answered with an error, by error code")
              .tag("reason", code.code())
              .register(registry));
    }
    localLatency = latency(registry, "local");
    remoteLatency = latency(registry, "remote");
    acks =
        Counter.builder(Metrics.PREFIX + "acks")
            .description("Acks sent to senders")
            .register(registry);
    roomMessages =
        Counter.builder(Metrics.PREFIX + "room_messages")
            .description("Messages sent to rooms")
            .register(registry);
    roomDeliveries =
        Counter.builder(Metrics.PREFIX + "room_deliveries")
            .description("Room messages written to members' sockets")
            .register(registry);
  }

  private static Timer latency(MeterRegistry registry, String path) {
    return Timer.builder(Metrics.PREFIX + "relay_latency")
        .description("From a message's receipt to the confirmed write on the target's socket")
        .tag("path", path)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
  }

  /**
   * A message reached its target; {@code tookNanos} from its arrival from the sender to its write
   * on the target's connection.
   */
  public void delivered(Family family, boolean remote, long tookNanos) {
    count(family, remote ? Outcome.DELIVERED_REMOTE : Outcome.DELIVERED_LOCAL);
    (remote ? remoteLatency : localLatency).record(Math.max(0, tookNanos), TimeUnit.NANOSECONDS);
  }

  /** A message for one user did not reach it. */
  public void undelivered(Family family, ErrorCode code) {
    count(
        family,
        switch (code) {
          case PEER_UNAVAILABLE -> Outcome.PEER_UNAVAILABLE;
          case DELIVERY_FAILED -> Outcome.DELIVERY_FAILED;
          default -> Outcome.REJECTED;
        });
    if (code != ErrorCode.PEER_UNAVAILABLE && code != ErrorCode.DELIVERY_FAILED) {
      rejected(code);
    }
  }

  /**
   * A client message refused before any delivery (malformed, not logged in, not in the room, ...).
   */
  public void rejected(ErrorCode code) {
    rejected.get(code).increment();
  }

  public void acked() {
    acks.increment();
  }

  public void roomMessage(int delivered) {
    roomMessages.increment();
    roomDeliveries.increment(delivered);
  }

  private void count(Family family, Outcome outcome) {
    messages[family.ordinal()][outcome.ordinal()].increment();
  }
}
