package dev.signaling.loadtest;

import java.util.Arrays;
import java.util.Locale;

/** What carries the frames of {@link RelayBenchmark}'s users. */
enum RelayTransport {
  /** A WebSocket to the user's node. */
  WEBSOCKET,
  /**
   * The HTTP transport, streaming: the session on the user's node, its requests (posts, the stream)
   * alternating between that node and the next, as through a round-robin load balancer.
   */
  HTTP,
  /** The HTTP transport, long-polling, its requests alternating as for {@link #HTTP}. */
  LONG_POLL;

  /** {@code websocket}, {@code http}, {@code long-poll}. */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static RelayTransport parse(String label) {
    return Arrays.stream(values())
        .filter(transport -> transport.label().equals(label.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "-Dtransports takes websocket, http and long-poll; got \"" + label + "\""));
  }
}
