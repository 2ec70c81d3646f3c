package dev.signaling.node.rooms;

import dev.signaling.node.base.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * A session of this node in a room, touched only on {@link RoomService}'s context; until its join
 * settles, the room's events wait in {@code queued}.
 */
final class LocalMember {
  final RoomMember session;
  final Promise<RoomState> joinedPromise = Promise.promise();
  final Future<RoomState> joined = joinedPromise.future();
  final List<RoomState> queued = new ArrayList<>();

  /**
   * The last state the member was told of (its join's, then each announced); null until it joined.
   */
  RoomState seen;

  LocalMember(RoomMember session) {
    this.session = session;
  }

  void joinedAs(RoomState state) {
    seen = state;
    joinedPromise.tryComplete(state);
  }

  void joinFailed(Refusal refusal) {
    joinedPromise.tryFail(refusal);
  }
}
