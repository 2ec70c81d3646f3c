package dev.signaling.loadtest.bare;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * One event loop's HTTP server (all of a node's share its port) and event-bus consumer: logins,
 * relays, deliveries, and the readiness and metrics endpoints.
 */
final class BareRelayVerticle extends VerticleBase {
  private static final String NAME_FIELD = "\"name\":\"";
  private static final String TARGET_FIELD = "\"target\":\"";
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private final BareDirectory directory;
  private final String host;
  private final int port;

  BareRelayVerticle(BareDirectory directory, String host, int port) {
    this.directory = directory;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    // The body: the target's name, a newline, then the frame as the target gets it.
    Future<Void> consumer =
        vertx
            .eventBus()
            .<String>consumer(BareDirectory.address(directory.nodeId()))
            .handler(message -> deliver(message.body()))
            .completion();
    return consumer.compose(
        done ->
            vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setHost(host)
                        .setPort(port)
                        .setMaxWebSocketMessageSize(1 << 20))
                .webSocketHandler(this::onSocket)
                .requestHandler(this::onRequest)
                .listen());
  }

  private void onSocket(ServerWebSocket socket) {
    String[] name = new String[1];
    socket.textMessageHandler(
        frame -> {
          if (name[0] != null) {
            relay(name[0], frame);
          } else if (frame.contains("\"login\"")) {
            int from = frame.indexOf(NAME_FIELD) + NAME_FIELD.length();
            name[0] = frame.substring(from, frame.indexOf('"', from));
            String loggedIn = name[0];
            directory.logIn(
                loggedIn,
                socket,
                () ->
                    socket.writeTextMessage(
                        "{\"type\":\"login-ok\",\"name\":\""
                            + loggedIn
                            + "\",\"node\":\""
                            + directory.nodeId()
                            + "\"}"));
          }
        });
    socket.closeHandler(
        closed -> {
          if (name[0] != null) {
            directory.logOut(name[0], socket);
          }
        });
  }

  private void relay(String from, String frame) {
    int start = frame.indexOf(TARGET_FIELD);
    if (start < 0) {
      return;
    }
    start += TARGET_FIELD.length();
    String target = frame.substring(start, frame.indexOf('"', start));
    String node = directory.nodeOf(target);
    if (node != null) {
      vertx
          .eventBus()
          .send(
              BareDirectory.address(node),
              target + "\n{\"from\":\"" + from + "\"," + frame.substring(1));
    }
  }

  private void deliver(String body) {
    int newline = body.indexOf('\n');
    ServerWebSocket socket = directory.socket(body.substring(0, newline));
    if (socket != null) {
      socket.writeTextMessage(body.substring(newline + 1));
      directory.countDelivered();
    }
  }

  private void onRequest(HttpServerRequest request) {
    switch (request.path()) {
      case "/health/ready", "/health/live" -> request.response().end("ready");
      case "/metrics" ->
          request
              .response()
              .putHeader("content-type", "text/plain; version=0.0.4")
              .end(
                  "process_cpu_time_ns_total "
                      + OS.getProcessCpuTime()
                      + "\nsignaling_messages_total{outcome=\"delivered-bare\"} "
                      + directory.delivered()
                      + "\njvm_memory_used_bytes{area=\"heap\",id=\"all\"} "
                      + MEMORY.getHeapMemoryUsage().getUsed()
                      + "\n");
      default -> request.response().setStatusCode(404).end();
    }
  }
}
