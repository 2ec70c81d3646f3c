package dev.signaling.node.session;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.base.Refusal;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Relays;
import dev.signaling.node.routing.Session;
import dev.signaling.node.security.Identity;
import dev.signaling.protocol.ClientMessage;
import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.MessageDecoder;
import dev.signaling.protocol.ProtocolException;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of one client, whatever carries it: login first, then relays, rooms, ICE servers and
 * token refreshes, within the limits one client is allowed, until the connection closes or the node
 * sends the client away. A transport feeds it the client's frames and writes what it answers
 * through a {@link ClientLink}.
 *
 * <p>The state belongs to the connection's event loop: the transport calls in there, and every
 * result from elsewhere (presence, rooms, other sessions' event loops) is handed back there before
 * it touches it.
 */
public final class ClientSession {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  private static final short NORMAL_CLOSURE = 1000;
  private static final short GOING_AWAY = 1001;

  private enum State {
    AWAITING_LOGIN,
    LOGGING_IN,
    LOGGED_IN,
    CLOSED
  }

  private final Vertx vertx;
  private final OwnerContext owner;
  private final ClientLink link;
  private final SessionServices services;
  private final RelayMetrics metrics;
  private final FrameLimits limits;
  private final ReadThrottle reads;
  private final GracefulClose goingAway;
  private final long loginTimer;
  private final TokenDeadline tokens;
  private State state = State.AWAITING_LOGIN;
  private Session session;
  private Future<Void> claim;
  private Relays relays;

  /** A session for a client that has just connected; made on the connection's event loop. */
  public ClientSession(SessionServices services, ClientLink link) {
    this.vertx = services.vertx();
    this.owner = OwnerContext.ofCaller();
    this.link = link;
    this.services = services;
    this.metrics = services.relayMetrics();
    var configured = services.config().limits();
    this.limits = new FrameLimits(configured.maxMessageBytes());
    this.reads =
        new ReadThrottle(
            vertx,
            link,
            configured.messagesPerSecond(),
            configured.messageBurst(),
            services.metrics(),
            this::cutOffFlood);
    this.goingAway = new GracefulClose(vertx, owner);
    this.tokens = new TokenDeadline(vertx, this::onTokenExpired);
    this.loginTimer =
        vertx.setTimer(services.config().loginTimeout().toMillis(), fired -> onLoginTimeout());
  }

  /** A text frame from the client. */
  public void onText(String text) {
    owner.check();
    reads.charge();
    try {
      limits.check(text);
      handle(MessageDecoder.decode(text));
    } catch (ProtocolException refused) {
      refuse(refused);
    } catch (RuntimeException bug) {
      // A bug must cost this one message, never the connection or the event loop.
      LOG.error("failed to handle a message from {}", describe(), bug);
      send(ServerMessages.error(ErrorCode.INTERNAL_ERROR, null, null, null));
    }
  }

  /** Binary frames are refused, but they cost the budget like any other frame. */
  public void onBinary() {
    owner.check();
    reads.charge();
    refuse(new ProtocolException(ErrorCode.BINARY_NOT_SUPPORTED, null));
  }

  /**
   * Tells the client to reconnect elsewhere after {@code reconnectAfterMs}, then closes with 1001;
   * may be called from any thread. From that moment nothing more is delivered to the session:
   * senders are told peer-unavailable rather than acked for frames the client would never read. The
   * client's own messages are still handled, and the connection closes once they are answered (see
   * {@link GracefulClose}).
   */
  public void goAway(long reconnectAfterMs) {
    owner.run(
        () -> {
          if (state == State.CLOSED || goingAway.started()) {
            return;
          }
          if (session != null) {
            session.markEnded();
          }
          link.write(ServerMessages.goAway(reconnectAfterMs));
          goingAway.start(
              services.config().deliveryTimeout().toMillis(),
              () -> link.close(GOING_AWAY, "going away"));
        });
  }

  /**
   * The connection closed, for whatever reason: the session ends and the user's traces are removed.
   */
  public void onClosed() {
    owner.check();
    state = State.CLOSED;
    reads.stop();
    vertx.cancelTimer(loginTimer);
    tokens.cancel();
    Session ended = session;
    if (ended != null) {
      ended.markEnded();
      if (claim.succeeded()) {
        services.peerLeft().sessionEnded(ended);
      }
      // Released only after the claim is settled, so a release can never run before its own claim.
      claim
          .eventually(() -> services.router().release(ended))
          .onFailure(failed -> LOG.warn("could not release presence of {}", ended.name(), failed));
      services
          .rooms()
          .leaveAll(asMember(ended))
          .onFailure(
              failed -> LOG.warn("could not remove {} from its rooms", ended.name(), failed));
    }
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
      answer(
          relays.toUser(relay),
          relay.id(),
          relay.target(),
          delivered -> ServerMessages.ack(relay.id()));
    } else if (message instanceof ClientMessage.RoomRelay relay) {
      answer(
          relays.toRoom(relay),
          relay.id(),
          null,
          delivered -> ServerMessages.ack(relay.id(), delivered));
    } else if (message instanceof ClientMessage.Join join) {
      refuseOnFailure(services.rooms().join(asMember(session), join.room(), join.id()), join.id());
    } else if (message instanceof ClientMessage.Leave leave) {
      refuseOnFailure(
          services.rooms().leave(asMember(session), leave.room(), leave.id()), leave.id());
    } else if (message instanceof ClientMessage.IceServers ask) {
      send(ServerMessages.iceServers(services.iceServers().forUser(session.name()), ask.id()));
    } else if (message instanceof ClientMessage.Token token) {
      refreshToken(token);
    } else if (message instanceof ClientMessage.Logout) {
      session.endingBecause("logout");
      link.close(NORMAL_CLOSURE, "logout");
    } else {
      throw new ProtocolException(ErrorCode.ALREADY_LOGGED_IN, message.id());
    }
  }

  /** Answers a relay once its result is in: an ack when it has an id, an error in any case. */
  private <T> void answer(Future<T> result, Object id, String target, Function<T, String> ack) {
    goingAway.accepted();
    owner
        .adopt(result)
        .onComplete(
            delivered -> {
              if (id != null) {
                metrics.acked();
                send(ack.apply(delivered));
              }
              goingAway.answered();
            },
            failed -> {
              refuse(failed, id, target);
              goingAway.answered();
            });
  }

  private void refuseOnFailure(Future<Void> done, Object id) {
    owner
        .adopt(done)
        .onFailure(
            failed -> {
              metrics.rejected(codeOf(failed));
              refuse(failed, id, null);
            });
  }

  private void login(ClientMessage.Login login) {
    state = State.LOGGING_IN;
    // Frames sent right behind the login wait in the connection until it is decided, rather than
    // being refused as not-logged-in.
    reads.hold();
    owner
        .adopt(services.authenticator().authenticate(login.name(), login.token()))
        .onComplete(
            identity -> {
              if (state == State.LOGGING_IN) {
                claim(login, identity);
              }
            },
            refused -> {
              if (state != State.CLOSED) {
                state = State.AWAITING_LOGIN;
                services.metrics().loginFailed(codeOf(refused));
                metrics.rejected(codeOf(refused));
                refuse(refused, login.id(), null);
                reads.release();
              }
            });
  }

  private void claim(ClientMessage.Login login, Identity identity) {
    Session candidate =
        new Session(
            identity.name(),
            UUID.randomUUID().toString(),
            new LinkOutbound(link),
            owner,
            services.config().limits().maxQueuedBytes());
    session = candidate;
    claim = owner.adopt(services.router().claim(candidate));
    claim.onComplete(
        claimed -> {
          if (state == State.CLOSED || candidate.isEnded()) {
            // Closed, or already replaced by a newer login elsewhere: no login-ok after
            // session-replaced.
            return;
          }
          if (claimed.failed()) {
            LOG.warn("login of {} failed: presence unavailable", identity.name(), claimed.cause());
            services.metrics().loginFailed(ErrorCode.SERVER_UNAVAILABLE);
            state = State.AWAITING_LOGIN;
            session = null;
            send(
                ServerMessages.error(
                    ErrorCode.SERVER_UNAVAILABLE,
                    "The presence service did not answer; log in again.",
                    login.id(),
                    null));
          } else {
            state = State.LOGGED_IN;
            vertx.cancelTimer(loginTimer);
            tokens.expireAt(identity);
            relays = services.router().relaysFor(candidate);
            services.metrics().loggedIn(link.transport());
            JsonObject ok =
                ServerMessages.loginOk(candidate.name(), services.router().nodeId())
                    .put("iceServers", services.iceServers().forUser(candidate.name()));
            if (login.id() != null) {
              ok.put("id", login.id());
            }
            candidate.open(ok.encode());
          }
          reads.release();
        });
  }

  /** The token expired and no fresh one came: the client must log in again. */
  private void onTokenExpired() {
    send(
        ServerMessages.error(
            ErrorCode.TOKEN_EXPIRED,
            "The token expired; log in again with a fresh one.",
            null,
            null));
    link.close(Session.POLICY_VIOLATION, ErrorCode.TOKEN_EXPIRED.code());
  }

  private void refreshToken(ClientMessage.Token token) {
    owner
        .adopt(services.authenticator().authenticate(session.name(), token.token()))
        .onComplete(
            identity -> {
              if (state == State.LOGGED_IN) {
                // A token without exp never expires: the connection's deadline goes with the old
                // token.
                tokens.expireAt(identity);
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

  private static RoomMember asMember(Session session) {
    return new RoomMember(session.name(), session.id());
  }

  private static ErrorCode codeOf(Throwable failure) {
    return failure instanceof Refusal refusal ? refusal.code() : ErrorCode.INTERNAL_ERROR;
  }

  private void refuse(ProtocolException refused) {
    metrics.rejected(refused.code());
    // Malformed messages are answered and the connection goes on: the budget bounds how many.
    if (refused.code() == ErrorCode.INVALID_NAME) {
      services.metrics().loginFailed(ErrorCode.INVALID_NAME);
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
   * A client that went on sending faster than its rate, although its reading was slowed down to it,
   * is flooding on purpose: it is cut off, its unread frames unread.
   */
  private void cutOffFlood() {
    metrics.rejected(ErrorCode.RATE_LIMITED);
    send(
        ServerMessages.error(
            ErrorCode.RATE_LIMITED,
            "Sent more than "
                + services.config().limits().messagesPerSecond()
                + " messages a second for over "
                + ReadThrottle.FLOOD_NANOS / 1_000_000_000L
                + " of "
                + ReadThrottle.FLOOD_WINDOW_NANOS / 1_000_000_000L
                + " seconds; the connection is closed.",
            null,
            null));
    link.close(Session.POLICY_VIOLATION, ErrorCode.RATE_LIMITED.code());
  }

  private void onLoginTimeout() {
    if (state == State.AWAITING_LOGIN || state == State.LOGGING_IN) {
      services.metrics().loginFailed(ErrorCode.LOGIN_TIMEOUT);
      send(ServerMessages.error(ErrorCode.LOGIN_TIMEOUT, null, null, null));
      link.close(Session.POLICY_VIOLATION, ErrorCode.LOGIN_TIMEOUT.code());
    }
  }

  private void send(String frame) {
    owner.check();
    if (state != State.CLOSED) {
      link.write(frame);
    }
  }

  private String describe() {
    return session != null ? session.name() : link.describe();
  }
}
