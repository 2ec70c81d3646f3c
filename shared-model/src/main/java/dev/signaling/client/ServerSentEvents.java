package dev.signaling.client;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Splits a stream of Server-Sent Events into its events at blank lines, on bytes: a line break
 * never falls inside a UTF-8 character. Confined to the connection that feeds it.
 */
final class ServerSentEvents {
  /** One event: its {@code event:}, {@code id:} and {@code data:} fields, each possibly null. */
  @FunctionalInterface
  interface Listener {
    void event(String event, String lastId, String data);
  }

  private final Listener listener;
  private final BooleanSupplier stopped;
  private Buffer pending = Buffer.buffer();

  /**
   * @param stopped whether to stop handing on events (the connection closed on one of them)
   */
  ServerSentEvents(Listener listener, BooleanSupplier stopped) {
    this.listener = listener;
    this.stopped = stopped;
  }

  void feed(Buffer bytes) {
    pending.appendBuffer(bytes);
    int start = 0;
    for (int i = 0; i + 1 < pending.length(); i++) {
      if (pending.getByte(i) == '\n' && pending.getByte(i + 1) == '\n') {
        event(pending.getString(start, i, StandardCharsets.UTF_8.name()));
        start = i + 2;
        i++;
        if (stopped.getAsBoolean()) {
          return;
        }
      }
    }
    pending = pending.getBuffer(start, pending.length());
  }

  private void event(String text) {
    String event = null;
    String lastId = null;
    String data = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("id: ")) {
        lastId = line.substring(4);
      } else if (line.startsWith("data: ")) {
        data = line.substring(6);
      }
    }
    listener.event(event, lastId, data);
  }
}
