package dev.signaling.node.session;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Relays;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ClientMessage;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * What a logged-in client may ask for: relays to users and rooms, joins and leaves, ICE servers;
 * each answered, when it has an {@code id}, once its result is in. Used on the connection's event
 * loop only.
 */
final class SessionRequests {
  private final SessionServices services;
  private final Session session;
  private final Relays relays;
  private final OwnerContext owner;
  private final ClientErrors errors;
  private final GracefulClose goingAway;
  private final RelayMetrics metrics;

  SessionRequests(
      SessionServices services,
      Session session,
      Relays relays,
      OwnerContext owner,
      ClientErrors errors,
      GracefulClose goingAway) {
    this.services = services;
    this.session = session;
    this.relays = relays;
    this.owner = owner;
    this.errors = errors;
    this.goingAway = goingAway;
    this.metrics = services.relayMetrics();
  }

  /** Handles {@code message} if it is one of these requests; false if it is not. */
  boolean handle(ClientMessage message) {
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
      inRoom(services.rooms().join(member(), join.room(), join.id()), join, join.room(), true);
    } else if (message instanceof ClientMessage.Leave leave) {
      inRoom(
          services.rooms().leave(member(), leave.room(), leave.id()), leave, leave.room(), false);
    } else if (message instanceof ClientMessage.IceServers ask) {
      send(ServerMessages.iceServers(services.iceServers().forUser(session.name()), ask.id()));
    } else {
      return false;
    }
    return true;
  }

  /** A relay of a frame a protocol adapter built; see {@link ClientSession#relay}. */
  Future<Void> relay(String type, String target, String frame) {
    goingAway.accepted();
    return owner.adopt(relays.toUser(type, target, frame)).andThen(done -> goingAway.answered());
  }

  private RoomMember member() {
    return new RoomMember(session.name(), session.id());
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
              errors.refuse(failed, id, target);
              goingAway.answered();
            });
  }

  /** A join or leave: refused on failure, and kept in the session's presence for a resume. */
  private void inRoom(Future<Void> done, ClientMessage message, String room, boolean in) {
    owner
        .adopt(done)
        .onComplete(
            joined -> {
              if (services.departures().resumable()) {
                services.router().noteRoom(session, room, in);
              }
            },
            failed -> {
              metrics.rejected(ClientErrors.codeOf(failed));
              errors.refuse(failed, message.id(), null);
            });
  }

  private void send(String frame) {
    errors.send(frame);
  }
}
