package dev.signaling.node.session;

import dev.signaling.node.routing.Outbound;
import io.vertx.core.Future;

/** Where a session's frames leave, as routing sees it: the client's connection. */
record LinkOutbound(ClientLink link) implements Outbound {

  @Override
  public Future<Void> write(String frame) {
    return link.write(frame);
  }

  @Override
  public void close(short code, String reason) {
    link.close(code, reason);
  }
}
