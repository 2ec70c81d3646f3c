package dev.signaling.node.transport.http;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.session.ClientSession;
import dev.signaling.node.transport.TransportServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HTTP sessions this node holds, shared by every event loop of the node. Requests for a session
 * reach it here, from this node's own routes or forwarded from another node, on any thread: each is
 * carried out on the session's event loop and its answer handed back to the caller's.
 *
 * <p>A closed session stays here for the idle time, so that a client asking again (its response
 * lost) still learns how it closed; after that its id is unknown.
 */
final class HttpSessions {
  private final Map<String, HttpLink> links = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final String nodeId;
  private final TransportServices services;
  private final long idleMillis;
  private final long maxUnreadChars;

  /**
   * @param maxUnreadChars posted characters a session may have waiting to be read
   */
  HttpSessions(Vertx vertx, String nodeId, TransportServices services, long maxUnreadChars) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.services = services;
    this.idleMillis = services.sessions().config().httpTransport().sessionIdle().toMillis();
    this.maxUnreadChars = maxUnreadChars;
  }

  record Created(String id, String key) {}

  /** A new session for a client at {@code address}, owned by the calling event loop. */
  Created create(String address) {
    String id = SessionIds.newId(nodeId);
    String key = SessionIds.newKey();
    HttpLink link =
        new HttpLink(
            id,
            key.getBytes(StandardCharsets.US_ASCII),
            address,
            vertx,
            this,
            services.sessions().config().limits().maxQueuedBytes(),
            maxUnreadChars,
            idleMillis);
    ClientSession session = new ClientSession(services.sessions(), link);
    link.attach(session);
    links.put(id, link);
    services.connections().opened(session, address, HttpLink.TRANSPORT);
    return new Created(id, key);
  }

  /** The link has closed: it no longer counts as a connection, and is forgotten after a while. */
  void closed(HttpLink link) {
    services.connections().closed(link.session(), link.address(), HttpLink.TRANSPORT);
    vertx.setTimer(idleMillis, forget -> links.remove(link.id(), link));
  }

  Future<Answer> send(String id, String key, long seq, long ack, String body) {
    return onOwner(id, key, link -> link.send(seq, ack, body));
  }

  Future<Answer> pull(String id, String key, long ack, long after, boolean sse, long waitMillis) {
    return onOwner(id, key, link -> link.pull(ack, after, sse, waitMillis));
  }

  Future<Answer> end(String id, String key) {
    return onOwner(id, key, link -> Future.succeededFuture(link.end()));
  }

  /** Closes every session, as stopping the server closes every WebSocket. */
  void closeAll() {
    for (HttpLink link : List.copyOf(links.values())) {
      link.owner().run(() -> link.close((short) 1000, ""));
    }
  }

  /**
   * Runs {@code request} on the session's event loop; its answer completes on the caller's context.
   */
  private Future<Answer> onOwner(
      String id, String key, Function<HttpLink, Future<Answer>> request) {
    HttpLink link = id == null ? null : links.get(id);
    if (link == null || !SessionIds.keyMatches(link.key(), key)) {
      return Future.succeededFuture(Answer.UNKNOWN_SESSION);
    }
    OwnerContext owner = link.owner();
    if (owner.isCurrent()) {
      return request.apply(link);
    }
    Promise<Answer> answered = Promise.promise();
    Future<Answer> result = OwnerContext.onCaller(answered.future());
    owner.run(() -> request.apply(link).onComplete(answered));
    return result;
  }
}
