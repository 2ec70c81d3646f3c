package dev.signaling.node.transport;

import dev.signaling.node.async.OwnerContext;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.RelayQueue;
import dev.signaling.node.security.Identity;
import dev.signaling.node.session.Refusal;
import dev.signaling.node.session.Session;
import dev.signaling.protocol.ClientMessage;
import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.MessageDecoder;
import dev.signaling.protocol.ProtocolException;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol on one WebSocket: login first, then relays, rooms and ICE servers, within the limits one
 * connection is allowed. The state belongs to the connection's event loop: socket callbacks run there, and
 * every result from elsewhere (presence, rooms, other sessions' event loops) is handed back there before it
 * touches the state.
 */
final class WebSocketConnection {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);
  private static final short NORMAL_CLOSURE = 1000;
  private static final short GOING_AWAY = 1001;
  /** How long after go-away the client's messages already under way may still arrive and be answered. */
  private static final long GO_AWAY_GRACE_MS = 250;

  private enum State { AWAITING_LOGIN, LOGGING_IN, LOGGED_IN, CLOSED }

  private final Vertx vertx;
  private final OwnerContext owner;
  private final ServerWebSocket socket;
  private final NodeServices services;
  private final RelayMetrics metrics;
  private final String address;
  private final ReadThrottle reads;
  private final long loginTimer;
  private final long pingTimer;
  private long lastHeard = System.nanoTime();
  private long tokenTimer = -1;
  private int inFlight;
  private boolean goingAway;
  private boolean graceOver;
  private final Promise<Void> answered;
  private State state = State.AWAITING_LOGIN;
  private Session session;
  private Future<Void> claim;
  private RelayQueue relays;

  WebSocketConnection(Vertx vertx, ServerWebSocket socket, String address, NodeServices services) {
    this.vertx = vertx;
    this.owner = OwnerContext.ofCaller();
    this.answered = owner.promise();
    this.socket = socket;
    this.address = address;
    this.services = services;
    this.metrics = services.relayMetrics();
    var limits = services.config().limits();
    this.reads = new ReadThrottle(vertx, socket, limits.messagesPerSecond(), limits.messageBurst(),
        services.sessionMetrics(), this::cutOffFlood);
    socket.textMessageHandler(this::onText);
    socket.pongHandler(pong -> lastHeard = System.nanoTime());
    socket.binaryMessageHandler(binary -> onBinary());
    socket.exceptionHandler(failure -> LOG.debug("WebSocket failure from {}", socket.remoteAddress(), failure));
    socket.closeHandler(closed -> onClose());
    this.loginTimer = vertx.setTimer(services.config().loginTimeout().toMillis(), fired -> onLoginTimeout());
    long pingMillis = limits.pingInterval().toMillis();
    this.pingTimer = vertx.setPeriodic(pingMillis, tick -> ping(pingMillis));
    services.connections().opened(this, address);
  }

  /** Pings the client; one that has said nothing, not even a pong, for two periods is gone. */
  private void ping(long periodMillis) {
    if (System.nanoTime() - lastHeard > 2_000_000L * periodMillis) {
      socket.close(GOING_AWAY, "no answer to ping");
      return;
    }
    socket.writePing(Buffer.buffer());
  }

  /**
   * Tells the client to reconnect elsewhere after {@code reconnectAfterMs}, then closes with 1001. From
   * that moment nothing more is delivered to the session: senders are told peer-unavailable rather than
   * acked for frames the client would never read. The client's own messages are still handled: the
   * connection closes once those sent before it read go-away (allowed {@link #GO_AWAY_GRACE_MS} to arrive)
   * are answered, so none goes unanswered; {@code DELIVERY_TIMEOUT_MS} bounds the wait.
   */
  void goAway(long reconnectAfterMs) {
    owner.run(() -> {
      if (state == State.CLOSED || goingAway) {
        return;
      }
      goingAway = true;
      if (session != null) {
        session.markEnded();
      }
      socket.writeTextMessage(ServerMessages.goAway(reconnectAfterMs));
      long patience = services.config().deliveryTimeout().toMillis() + GO_AWAY_GRACE_MS;
      long giveUp = vertx.setTimer(patience, late -> answered.tryComplete());
      vertx.setTimer(GO_AWAY_GRACE_MS, graceOver -> {
        this.graceOver = true;
        settleIfIdle();
      });
      answered.future().onComplete(done -> {
        vertx.cancelTimer(giveUp);
        socket.close(GOING_AWAY, "going away");
      });
    });
  }

  /** Counts a client message whose answer (ack or error) is still to come. */
  private void started() {
    owner.check();
    inFlight++;
  }

  private void finished() {
    owner.check();
    inFlight--;
    settleIfIdle();
  }

  private void settleIfIdle() {
    if (goingAway && graceOver && inFlight == 0) {
      answered.tryComplete();
    }
  }

  private void onText(String text) {
    owner.check();
    long now = System.nanoTime();
    lastHeard = now;
    reads.charge();
    try {
      checkLimits(text);
      handle(MessageDecoder.decode(text));
    } catch (ProtocolException refused) {
      refuse(refused);
    } catch (RuntimeException bug) {
      // A bug must cost this one message, never the connection or the event loop.
      LOG.error("failed to handle a message from {}", describe(), bug);
      send(ServerMessages.error(ErrorCode.INTERNAL_ERROR, null, null, null));
    }
  }

  /** Binary frames are refused, but they cost the budget and count as activity like any other frame. */
  private void onBinary() {
    long now = System.nanoTime();
    lastHeard = now;
    reads.charge();
    refuse(new ProtocolException(ErrorCode.BINARY_NOT_SUPPORTED, null));
  }

  /** An oversized message has already cost its sender its share of the budget, like any other. */
  private void checkLimits(String text) throws ProtocolException {
    int max = services.config().limits().maxMessageBytes();
    // A char is at most 3 UTF-8 bytes here: only long texts need counting.
    if (text.length() > max || (text.length() * 3L > max && utf8Length(text) > max)) {
      throw new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
          "The message is larger than " + max + " bytes.", null);
    }
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private void handle(ClientMessage message) throws ProtocolException {
    if (state != State.LOGGED_IN) {
      if (message instanceof ClientMessage.Login login && state == State.AWAITING_LOGIN) {
        login(login);
        return;
      }
      throw new ProtocolException(ErrorCode.NOT_LOGGED_IN, message.id());
    }
    if (message instanceof ClientMessage.Relay relay) {
      relay(relay);
    } else if (message instanceof ClientMessage.RoomRelay roomRelay) {
      relayToRoom(roomRelay);
    } else if (message instanceof ClientMessage.Join join) {
      owner.adopt(services.rooms().join(session, join.room(), join.id())).onFailure(failed -> {
        metrics.rejected(codeOf(failed));
        refuse(failed, join.id(), null);
      });
    } else if (message instanceof ClientMessage.Leave leave) {
      owner.adopt(services.rooms().leave(session, leave.room(), leave.id())).onFailure(failed -> {
        metrics.rejected(codeOf(failed));
        refuse(failed, leave.id(), null);
      });
    } else if (message instanceof ClientMessage.IceServers ask) {
      send(ServerMessages.iceServers(services.iceServers().forUser(session.name()), ask.id()));
    } else if (message instanceof ClientMessage.Token token) {
      refreshToken(token);
    } else if (message instanceof ClientMessage.Logout) {
      session.endingBecause("logout");
      socket.close(NORMAL_CLOSURE, "logout");
    } else {
      throw new ProtocolException(ErrorCode.ALREADY_LOGGED_IN, message.id());
    }
  }

  private void login(ClientMessage.Login login) {
    state = State.LOGGING_IN;
    // Frames sent right behind the login wait in the socket until it is decided, rather than being
    // refused as not-logged-in.
    reads.hold();
    owner.adopt(services.authenticator().authenticate(login.name(), login.token())).onComplete(
        identity -> {
          if (state == State.LOGGING_IN) {
            claim(login, identity);
          }
        },
        refused -> {
          if (state != State.CLOSED) {
            state = State.AWAITING_LOGIN;
            services.sessionMetrics().loginFailed(codeOf(refused));
            metrics.rejected(codeOf(refused));
            refuse(refused, login.id(), null);
            reads.release();
          }
        });
  }

  private void claim(ClientMessage.Login login, Identity identity) {
    Session candidate = new Session(identity.name(), UUID.randomUUID().toString(), new WebSocketOutbound(socket),
        owner, services.config().limits().maxQueuedBytes());
    session = candidate;
    claim = owner.adopt(services.router().claim(candidate));
    claim.onComplete(claimed -> {
      if (state == State.CLOSED || candidate.isEnded()) {
        // Closed, or already replaced by a newer login elsewhere: no login-ok after session-replaced.
        return;
      }
      if (claimed.failed()) {
        LOG.warn("login of {} failed: presence unavailable", identity.name(), claimed.cause());
        services.sessionMetrics().loginFailed(ErrorCode.SERVER_UNAVAILABLE);
        state = State.AWAITING_LOGIN;
        session = null;
        send(ServerMessages.error(ErrorCode.SERVER_UNAVAILABLE,
            "The presence service did not answer; log in again.", login.id(), null));
      } else {
        state = State.LOGGED_IN;
        vertx.cancelTimer(loginTimer);
        expireAt(identity);
        relays = services.router().newRelayQueue();
        services.sessionMetrics().loggedIn();
        JsonObject ok = ServerMessages.loginOk(candidate.name(), services.router().nodeId())
            .put("iceServers", services.iceServers().forUser(candidate.name()));
        if (login.id() != null) {
          ok.put("id", login.id());
        }
        candidate.open(ok.encode());
      }
      reads.release();
    });
  }

  /** Closes the connection when its token expires, unless a fresh one arrives first. */
  private void expireAt(Identity identity) {
    vertx.cancelTimer(tokenTimer);
    if (identity.expiresAt() == null) {
      return;
    }
    long millis = Math.max(1, Duration.between(Instant.now(), identity.expiresAt()).toMillis());
    tokenTimer = vertx.setTimer(millis, fired -> {
      send(ServerMessages.error(ErrorCode.TOKEN_EXPIRED,
          "The token expired; log in again with a fresh one.", null, null));
      socket.close(Session.POLICY_VIOLATION, ErrorCode.TOKEN_EXPIRED.code());
    });
  }

  private void refreshToken(ClientMessage.Token token) {
    Session current = session;
    owner.adopt(services.authenticator().authenticate(current.name(), token.token())).onComplete(
        identity -> {
          if (state == State.LOGGED_IN) {
            // A token without exp never expires: the connection's deadline goes with the old token.
            expireAt(identity);
            if (token.id() != null) {
              send(ServerMessages.ack(token.id()));
            }
          }
        },
        refused -> {
          metrics.rejected(codeOf(refused));
          refuse(refused, token.id(), null);
        });
  }

  private void relay(ClientMessage.Relay relay) {
    long received = System.nanoTime();
    RelayMetrics.Family family = RelayMetrics.Family.of(relay.type());
    Object id = relay.id();
    String target = relay.target();
    Session sender = session;
    String frame = relay.framedFrom(sender.name());
    var router = services.router();
    boolean[] remote = new boolean[1];
    started();
    relays.toUser(target, () -> router.locate(target), entry -> {
      remote[0] = entry != null && !entry.node().equals(router.nodeId());
      return router.deliver(sender.name(), target, entry, frame);
    }).onComplete(
        delivered -> {
          sender.talkedWith(target);
          metrics.delivered(family, remote[0], received);
          if (id != null) {
            metrics.acked();
            send(ServerMessages.ack(id));
          }
          finished();
        },
        failed -> {
          metrics.undelivered(family, codeOf(failed));
          refuse(failed, id, target);
          finished();
        });
  }

  private void relayToRoom(ClientMessage.RoomRelay relay) {
    Object id = relay.id();
    Session sender = session;
    String frame = relay.framedFrom(sender.name());
    started();
    relays.toRoom(relay.room(), () -> services.rooms().membersFor(sender, relay.room()),
            members -> services.router().broadcast(members, sender.name(), frame))
        .onComplete(
            delivered -> {
              metrics.roomMessage(delivered);
              if (id != null) {
                metrics.acked();
                send(ServerMessages.ack(id, delivered));
              }
              finished();
            },
            failed -> {
              metrics.rejected(codeOf(failed));
              refuse(failed, id, null);
              finished();
            });
  }

  private static ErrorCode codeOf(Throwable failure) {
    return failure instanceof Refusal refusal ? refusal.code() : ErrorCode.INTERNAL_ERROR;
  }

  private void refuse(ProtocolException refused) {
    metrics.rejected(refused.code());
    // Malformed messages are answered and the connection goes on: the budget bounds how many.
    if (refused.code() == ErrorCode.INVALID_NAME) {
      services.sessionMetrics().loginFailed(ErrorCode.INVALID_NAME);
    }
    send(ServerMessages.error(refused));
  }

  /** Tells the client why what it asked for failed. */
  private void refuse(Throwable failure, Object id, String target) {
    if (state == State.CLOSED) {
      // The connection is gone; whatever failed failed because of that, and nobody is left to tell.
      return;
    }
    if (failure instanceof Refusal refusal) {
      send(ServerMessages.error(refusal.code(), refusal.getMessage(), id, target));
    } else {
      LOG.error("failed to handle a message from {}", describe(), failure);
      send(ServerMessages.error(ErrorCode.INTERNAL_ERROR, null, id, target));
    }
  }

  /**
   * A client that went on sending faster than its rate, although its reading was slowed down to it, is
   * flooding on purpose: it is cut off, its unread frames unread.
   */
  private void cutOffFlood() {
    metrics.rejected(ErrorCode.RATE_LIMITED);
    send(ServerMessages.error(ErrorCode.RATE_LIMITED, "Sent more than "
        + services.config().limits().messagesPerSecond() + " messages a second for over "
        + ReadThrottle.FLOOD_NANOS / 1_000_000_000L + " of " + ReadThrottle.FLOOD_WINDOW_NANOS / 1_000_000_000L
        + " seconds; the connection is closed.", null, null));
    socket.close(Session.POLICY_VIOLATION, ErrorCode.RATE_LIMITED.code());
  }

  private void onLoginTimeout() {
    if (state == State.AWAITING_LOGIN || state == State.LOGGING_IN) {
      services.sessionMetrics().loginFailed(ErrorCode.LOGIN_TIMEOUT);
      send(ServerMessages.error(ErrorCode.LOGIN_TIMEOUT, null, null, null));
      socket.close(Session.POLICY_VIOLATION, ErrorCode.LOGIN_TIMEOUT.code());
    }
  }

  private void onClose() {
    owner.check();
    state = State.CLOSED;
    vertx.cancelTimer(loginTimer);
    vertx.cancelTimer(pingTimer);
    vertx.cancelTimer(tokenTimer);
    services.connections().closed(this, address);
    Session ended = session;
    if (ended != null) {
      ended.markEnded();
      if (claim.succeeded()) {
        services.peerLeft().sessionEnded(ended);
      }
      // Released only after the claim is settled, so a release can never run before its own claim.
      claim.eventually(() -> services.router().release(ended))
          .onFailure(failed -> LOG.warn("could not release presence of {}", ended.name(), failed));
      services.rooms().leaveAll(ended)
          .onFailure(failed -> LOG.warn("could not remove {} from its rooms", ended.name(), failed));
    }
  }

  private void send(String frame) {
    owner.check();
    if (state != State.CLOSED) {
      socket.writeTextMessage(frame);
    }
  }

  private String describe() {
    return session != null ? session.name() : String.valueOf(socket.remoteAddress());
  }
}
