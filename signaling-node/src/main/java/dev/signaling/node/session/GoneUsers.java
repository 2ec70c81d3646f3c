package dev.signaling.node.session;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Users whose sessions no node holds any more (their node died, their resume window ended) are
 * found gone by one node only; it tells every node, and each tells its own sessions that talked
 * with them ({@link PeerLeftNotices#usersGone}).
 */
public final class GoneUsers {
  private static final String ADDRESS = "signaling.users-gone";

  private GoneUsers() {}

  /** Tells every node that {@code names} are gone, and why. */
  public static void announce(Vertx vertx, Set<String> names, String reason) {
    vertx
        .eventBus()
        .publish(
            ADDRESS,
            new JsonObject().put("names", new JsonArray(List.copyOf(names))).put("reason", reason));
  }

  /** This node tells its sessions of every announcement. */
  public static void listen(Vertx vertx, PeerLeftNotices peerLeft) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            ADDRESS,
            gone ->
                peerLeft.usersGone(
                    gone.body().getJsonArray("names").stream()
                        .map(String::valueOf)
                        .collect(Collectors.toSet()),
                    gone.body().getString("reason")));
  }
}
