package dev.signaling.node.session;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.presence.SessionOwners;
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
  private final ClientErrors errors;
  private final ReadThrottle reads;
  private final GracefulClose goingAway;
  private final long loginTimer;
  private final TokenDeadline tokens;
  private State state = State.AWAITING_LOGIN;
  private Session session;
  private Future<PresenceRecord> claim;
  private boolean sendingAway;
  private SessionRequests requests;

  /** A session for a client that has just connected; made on the connection's event loop. */
  public ClientSession(SessionServices services, ClientLink link) {
    this.vertx = services.vertx();
    this.owner = OwnerContext.ofCaller();
    this.link = link;
    this.services = services;
    this.metrics = services.relayMetrics();
    var configured = services.config().limits();
    this.limits = new FrameLimits(configured.maxMessageBytes());
    this.errors =
        new ClientErrors(
            link,
            metrics,
            services.metrics(),
            () -> state == State.CLOSED,
            () -> session != null ? session.name() : link.describe());
    this.reads =
        new ReadThrottle(
            vertx,
            link,
            configured.messagesPerSecond(),
            configured.messageBurst(),
            services.metrics(),
            () -> errors.cutOffFlood(configured.messagesPerSecond()));
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
      errors.refuse(refused);
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
    errors.refuse(new ProtocolException(ErrorCode.BINARY_NOT_SUPPORTED, null));
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
          if (state == State.CLOSED || sendingAway) {
            return;
          }
          sendingAway = true;
          Session away = state == State.LOGGED_IN ? session : null;
          if (away == null || !services.departures().resumable()) {
            if (session != null) {
              session.markEnded();
            }
            sendAway(reconnectAfterMs);
            return;
          }
          // Away in the presence map first: what is sent to the user from then on is held for its
          // resume on another node, and what came before reaches it here, ahead of go-away.
          owner
              .adopt(services.router().goAway(away, services.departures().awayUntil()))
              .onComplete(
                  marked -> {
                    away.markAway();
                    sendAway(reconnectAfterMs);
                  });
        });
  }

  private void sendAway(long reconnectAfterMs) {
    if (state == State.CLOSED) {
      return;
    }
    link.write(ServerMessages.goAway(reconnectAfterMs));
    goingAway.start(
        services.config().deliveryTimeout().toMillis(), () -> link.close(GOING_AWAY, "going away"));
  }

  /**
   * The connection closed, for whatever reason: the session ends, and the user is away (it may
   * resume) or gone (see {@link Departures}).
   */
  public void onClosed() {
    owner.check();
    state = State.CLOSED;
    reads.stop();
    vertx.cancelTimer(loginTimer);
    tokens.cancel();
    if (session != null) {
      services.departures().connectionEnded(session, claim);
    }
  }

  // For adapters of foreign wire protocols (PeerJS), which read the client's frames themselves and
  // hand the session what they mean: the same login, limits and relays as a native client's.

  /**
   * A login that an adapter read from its own handshake (a PeerJS connection's query), with a name
   * the adapter's authenticator checks and maps; answered through the link like a native login
   * ({@code login-ok}, or an error frame).
   */
  public void logIn(ClientMessage.Login login) {
    owner.check();
    try {
      handle(login);
    } catch (ProtocolException refused) {
      errors.refuse(refused);
    }
  }

  /**
   * A frame of a foreign wire protocol, before its adapter reads it: charged to the client's
   * message budget and held to the size limit, like a native frame. Returns whether the adapter may
   * go on with it; one too large has been counted and answered with {@code message-too-large}.
   */
  public boolean admit(String text) {
    owner.check();
    reads.charge();
    try {
      limits.check(text);
      return true;
    } catch (ProtocolException refused) {
      errors.refuse(refused);
      return false;
    }
  }

  /**
   * Relays a frame that an adapter built for its target (see {@link Relays#toUser(String, String,
   * String)}), in order with the client's other messages; the adapter answers its client itself.
   * Completes on the connection's event loop once the frame is written to the target's connection,
   * or fails with a {@link Refusal}: not-logged-in before the login is done.
   */
  public Future<Void> relay(String type, String target, String frame) {
    owner.check();
    if (state != State.LOGGED_IN) {
      return Future.failedFuture(new Refusal(ErrorCode.NOT_LOGGED_IN));
    }
    return requests.relay(type, target, frame);
  }

  private void handle(ClientMessage message) throws ProtocolException {
    if (state != State.LOGGED_IN) {
      if (message instanceof ClientMessage.Login login && state == State.AWAITING_LOGIN) {
        login(login);
        return;
      }
      throw new ProtocolException(ErrorCode.NOT_LOGGED_IN, message.id());
    }
    if (message instanceof ClientMessage.Token token) {
      refreshToken(token);
    } else if (message instanceof ClientMessage.Logout) {
      session.endingBecause("logout");
      // Frames that reach the session from now on get peer-unavailable: the client stops reading
      // once the close arrives, so a frame written after it would be acked but never read.
      session.markEnded();
      link.close(NORMAL_CLOSURE, "logout");
    } else if (!requests.handle(message)) {
      throw new ProtocolException(ErrorCode.ALREADY_LOGGED_IN, message.id());
    }
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
                services.metrics().loginFailed(ClientErrors.codeOf(refused));
                metrics.rejected(ClientErrors.codeOf(refused));
                errors.refuse(refused, login.id(), null);
                reads.release();
              }
            });
  }

  private void claim(ClientMessage.Login login, Identity identity) {
    // A login that owns its name (a PeerJS id) cannot be resumed: its protocol has no way to.
    String resumeToken =
        services.departures().resumable() && identity.ownerKey() == null
            ? ResumeTokens.fresh()
            : null;
    Session candidate =
        new Session(
            identity.name(),
            SessionOwners.newSessionId(identity.ownerKey()),
            new LinkOutbound(link),
            owner,
            services.config().limits().maxQueuedBytes(),
            resumeToken == null ? "" : ResumeTokens.key(identity.name(), resumeToken));
    session = candidate;
    claim =
        owner.adopt(
            identity.ownerKey() == null
                ? Arrivals.arrive(services, candidate, login.resume())
                : services.router().claimOwned(candidate, identity.ownerKey()));
    claim.onComplete(
        arrived -> {
          if (state == State.CLOSED || candidate.isEnded()) {
            // Closed, or already replaced by a newer login elsewhere: no login-ok after
            // session-replaced.
            return;
          }
          if (arrived.cause() instanceof Refusal taken) {
            // Held by another owner's login (PeerJS's ID-TAKEN).
            services.metrics().loginFailed(taken.code());
            state = State.AWAITING_LOGIN;
            session = null;
            errors.refuse(taken, login.id(), null);
          } else if (arrived.failed()) {
            LOG.warn("login of {} failed: presence unavailable", identity.name(), arrived.cause());
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
            loggedIn(login, identity, candidate, resumeToken, arrived.result());
          }
          reads.release();
        });
  }

  private void loggedIn(
      ClientMessage.Login login,
      Identity identity,
      Session candidate,
      String resumeToken,
      PresenceRecord resumed) {
    state = State.LOGGED_IN;
    vertx.cancelTimer(loginTimer);
    tokens.expireAt(identity);
    requests =
        new SessionRequests(
            services, candidate, services.router().relaysFor(candidate), owner, errors, goingAway);
    services.metrics().loggedIn(link.transport());
    JsonObject ok = Arrivals.loginOk(services, login, candidate, resumeToken, resumed);
    if (resumed == null) {
      candidate.open(ok.encode());
    } else {
      Resumption.open(candidate, ok.encode(), resumed, services.router().held(), services.rooms());
    }
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
              metrics.rejected(ClientErrors.codeOf(refused));
              errors.refuse(refused, token.id(), null);
            });
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
