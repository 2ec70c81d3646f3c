package dev.signaling.node.transport.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Takes the requests other nodes forward for this node's HTTP sessions (see {@link OwnerCalls}),
 * and closes every HTTP session when the node stops, as stopping the server closes its WebSockets.
 * One instance per node.
 */
final class HttpSessionInbox extends VerticleBase {
  private final String nodeId;
  private final HttpSessions sessions;

  HttpSessionInbox(String nodeId, HttpSessions sessions) {
    this.nodeId = nodeId;
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .<JsonObject>consumer(OwnerCalls.address(nodeId), this::handle)
        .completion();
  }

  @Override
  public Future<?> stop() {
    sessions.closeAll();
    return Future.succeededFuture();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject request = message.body();
    String id = request.getString("id");
    String key = request.getString("key");
    Future<Answer> answer =
        switch (request.getString("op", "")) {
          case "send" ->
              sessions.send(
                  id,
                  key,
                  request.getLong("seq", -1L),
                  request.getLong("ack", 0L),
                  request.getString("body", ""));
          case "pull" ->
              sessions.pull(
                  id,
                  key,
                  request.getLong("ack", 0L),
                  request.getLong("after", 0L),
                  request.getBoolean("sse", false),
                  OwnerCalls.PULL_WAIT_MS);
          case "end" -> sessions.end(id, key);
          default -> Future.succeededFuture(Answer.UNKNOWN_SESSION);
        };
    answer.onSuccess(done -> message.reply(done.toJson()));
  }
}
