package dev.signaling.node.transport.http;

import dev.signaling.node.transport.TransportServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP API of the transport (see docs/protocol.md, "The HTTP transport"), on every node: create
 * a session, post frames, poll or stream the frames the session writes, end it. Requests for a
 * session go on to the node that holds it, so no request needs to reach any particular node.
 */
final class HttpSessionRoutes {
  static final String SESSIONS = "/http/sessions";
  static final String KEY_HEADER = "X-Signaling-Session-Key";

  private final TransportServices services;
  private final HttpSessions sessions;
  private final OwnerCalls owners;
  private final HttpTransportMetrics metrics;
  private final int bodyLimit;

  HttpSessionRoutes(
      TransportServices services,
      HttpSessions sessions,
      OwnerCalls owners,
      HttpTransportMetrics metrics,
      int bodyLimit) {
    this.services = services;
    this.sessions = sessions;
    this.owners = owners;
    this.metrics = metrics;
    this.bodyLimit = bodyLimit;
  }

  void mount(Vertx vertx, Router routes) {
    routes.route(SESSIONS + "*").handler(this::checkOrigin);
    routes.post(SESSIONS).handler(this::create);
    routes
        .post(SESSIONS + "/:id/send")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::send);
    routes.get(SESSIONS + "/:id/poll").handler(this::poll);
    routes.get(SESSIONS + "/:id/stream").handler(context -> stream(vertx, context));
    routes.delete(SESSIONS + "/:id").handler(this::end);
  }

  /**
   * Pages of other origins may not use a visitor's browser to talk to the node, as for WebSockets;
   * the allowed ones get the CORS headers their requests need (the key header needs a preflight).
   */
  private void checkOrigin(RoutingContext context) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    response.putHeader("Cache-Control", "no-store");
    String origin = request.getHeader("Origin");
    if (!services.origins().allows(origin, request.getHeader("Host"))) {
      error(context, 403, "origin-not-allowed", "This page's origin may not use the node.");
      return;
    }
    if (origin != null) {
      response.putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
    }
    if (request.method() == HttpMethod.OPTIONS) {
      response
          .putHeader("Access-Control-Allow-Methods", "GET, POST, DELETE")
          .putHeader("Access-Control-Allow-Headers", KEY_HEADER + ", Content-Type, Last-Event-ID")
          .putHeader("Access-Control-Max-Age", "600")
          .setStatusCode(204)
          .end();
      return;
    }
    context.next();
  }

  private void create(RoutingContext context) {
    if (services.health().isDraining()) {
      context.response().putHeader("Retry-After", "1");
      error(context, 503, "draining", "The node is shutting down; connect to another one.");
      return;
    }
    String address = context.request().remoteAddress().hostAddress();
    if (services.connections().from(address)
        >= services.sessions().config().limits().maxConnectionsPerIp()) {
      context.response().putHeader("Retry-After", "10");
      error(context, 429, "too-many-connections", "Too many connections from this address.");
      return;
    }
    metrics.request("create", true);
    HttpSessions.Created created = sessions.create(address);
    json(
        context,
        201,
        new JsonObject()
            .put("session", created.id())
            .put("key", created.key())
            .put("pollTimeoutMs", OwnerCalls.PULL_WAIT_MS)
            .put(
                "idleTimeoutMs",
                services.sessions().config().httpTransport().sessionIdle().toMillis()));
  }

  private void send(RoutingContext context) {
    String id = context.pathParam("id");
    String key = key(context);
    long seq = number(context, "seq", -1);
    long ack = number(context, "ack", 0);
    if (key == null || seq < 0 || ack < 0) {
      refuseBadRequest(context, key, seq < 0 ? "seq" : "ack");
      return;
    }
    String body = context.body().asString();
    metrics.request("send", owners.holds(id));
    owners
        .send(id, key, seq, ack, body == null ? "" : body)
        .onSuccess(
            answer -> {
              switch (answer.outcome()) {
                case OK, DUPLICATE -> context.response().setStatusCode(204).end();
                case OUT_OF_ORDER ->
                    error(
                        context,
                        409,
                        "out-of-order",
                        "Posts are numbered 0, 1, 2, ... one at a time; expected seq="
                            + answer.last()
                            + ".");
                case BUSY -> {
                  context.response().putHeader("Retry-After", "1");
                  error(context, 429, "busy", "Earlier posts are still being read.");
                }
                case CLOSED ->
                    json(context, 410, new JsonObject().put("close", answer.closeJson()));
                default -> refuseUnanswered(context, answer);
              }
            });
  }

  private void poll(RoutingContext context) {
    String id = context.pathParam("id");
    String key = key(context);
    long ack = number(context, "ack", 0);
    if (key == null || ack < 0) {
      refuseBadRequest(context, key, "ack");
      return;
    }
    metrics.request("poll", owners.holds(id));
    owners
        .pull(id, key, ack, ack, false)
        .onSuccess(
            answer -> {
              if (answer.outcome() == Answer.Outcome.OK
                  || answer.outcome() == Answer.Outcome.SUPERSEDED) {
                StringBuilder body =
                    new StringBuilder(answer.body().length() + 64)
                        .append("{\"frames\":[")
                        .append(answer.body())
                        .append("],\"last\":")
                        .append(answer.outcome() == Answer.Outcome.OK ? answer.last() : ack);
                if (answer.closed()) {
                  body.append(",\"close\":").append(answer.closeJson().encode());
                }
                respond(context, 200, body.append('}').toString());
              } else {
                refuseUnanswered(context, answer);
              }
            });
  }

  private void stream(Vertx vertx, RoutingContext context) {
    String id = context.pathParam("id");
    String key = key(context);
    String lastEventId = context.request().getHeader("Last-Event-ID");
    long ack = number(context, "ack", lastEventId == null ? 0 : parse(lastEventId));
    if (key == null || ack < 0) {
      refuseBadRequest(context, key, "ack");
      return;
    }
    metrics.request("stream", owners.holds(id));
    EventStream.serve(vertx, context.response(), owners, id, key, ack);
  }

  private void end(RoutingContext context) {
    String id = context.pathParam("id");
    String key = key(context);
    if (key == null) {
      refuseBadRequest(context, null, null);
      return;
    }
    metrics.request("end", owners.holds(id));
    owners
        .end(id, key)
        .onSuccess(
            answer -> {
              if (answer.outcome() == Answer.Outcome.OK) {
                context.response().setStatusCode(204).end();
              } else {
                refuseUnanswered(context, answer);
              }
            });
  }

  private static String key(RoutingContext context) {
    return context.request().getHeader(KEY_HEADER);
  }

  /** A query parameter that must be a whole number from 0; -1 when it is anything else. */
  private static long number(RoutingContext context, String name, long absent) {
    String value = context.request().getParam(name);
    return value == null ? absent : parse(value);
  }

  private static long parse(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException notANumber) {
      return -1;
    }
  }

  private static void refuseBadRequest(RoutingContext context, String key, String param) {
    if (key == null) {
      error(
          context,
          401,
          "missing-key",
          "Requests for a session carry its key in " + KEY_HEADER + ".");
    } else {
      error(context, 400, "invalid-" + param, "\"" + param + "\" must be a whole number from 0.");
    }
  }

  private static void refuseUnanswered(RoutingContext context, Answer answer) {
    if (answer.outcome() == Answer.Outcome.UNAVAILABLE) {
      context.response().putHeader("Retry-After", "1");
      error(context, 503, "session-unavailable", "The session's node did not answer in time.");
    } else {
      error(context, 404, "unknown-session", "No such session, or the key does not match.");
    }
  }

  private static void error(RoutingContext context, int status, String code, String message) {
    json(context, status, new JsonObject().put("error", code).put("message", message));
  }

  private static void json(RoutingContext context, int status, JsonObject body) {
    respond(context, status, body.encode());
  }

  private static void respond(RoutingContext context, int status, String body) {
    HttpServerResponse response = context.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body);
  }
}
