package dev.signaling.node.session;

import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ServerMessages;
import java.time.Duration;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Tells users that someone they were talking with is gone, so a call's other side stops waiting for
 * a peer that will not answer. Only peers of the last few minutes are told: an old acquaintance's
 * logout is nobody's business.
 */
public final class PeerLeftNotices {
  /** How recent an exchange must be for its peer to be told. */
  public static final Duration WINDOW = Duration.ofMinutes(5);

  private final LocalSessions sessions;
  private final BiConsumer<String, String> notify;

  /**
   * @param notify sends a frame (second argument) to a user (first) wherever it is connected
   */
  public PeerLeftNotices(LocalSessions sessions, BiConsumer<String, String> notify) {
    this.sessions = sessions;
    this.notify = notify;
  }

  /** A session of this node ended: its recent peers, wherever they are, are told. */
  public void sessionEnded(Session ended) {
    String frame = ServerMessages.peerLeft(ended.name(), ended.endReason());
    for (String peer : ended.peersWithin(WINDOW)) {
      notify.accept(peer, frame);
    }
  }

  /**
   * Users are gone whose sessions no node holds any more (their node died, or their resume window
   * ended): this node's sessions that talked with them are told, with {@code reason}. Whichever
   * node found them gone publishes the names to every node (see {@code NodeUpkeep}), and each tells
   * its own sessions. Each session checks its own few recent peers against the names, on its own
   * event loop: the work grows with the sessions and their recent peers, not with sessions times
   * departed users.
   */
  public void usersGone(Set<String> names, String reason) {
    for (Session session : sessions.all()) {
      session
          .owner()
          .run(
              () -> {
                for (String peer : session.peersAmong(names, WINDOW)) {
                  session.deliver(ServerMessages.peerLeft(peer, reason), "");
                }
              });
    }
  }
}
