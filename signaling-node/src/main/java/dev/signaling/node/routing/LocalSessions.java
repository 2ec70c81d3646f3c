package dev.signaling.node.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions connected to this node, by session id; shared by every verticle instance of the
 * node.
 *
 * <p>Keyed by session rather than by name on purpose: while two logins of one name are in flight,
 * both are registered, and the order in which the cluster's presence map records them alone decides
 * which one is replaced. Keying by name would let a local registration order disagree with the
 * cluster's.
 */
public final class LocalSessions {
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  public void register(Session session) {
    byId.put(session.id(), session);
  }

  /** The live session {@code sessionId} if it belongs to {@code name}, or {@code null}. */
  public Session find(String name, String sessionId) {
    Session session = byId.get(sessionId);
    return session != null && session.name().equals(name) && !session.isEnded() ? session : null;
  }

  /**
   * The session {@code sessionId} of {@code name} if it is away (may be resumed), or {@code null}.
   */
  public Session findAway(String name, String sessionId) {
    Session session = byId.get(sessionId);
    return session != null && session.name().equals(name) && session.isAway() ? session : null;
  }

  /**
   * Whether {@code sessionId} is registered here, ended or not: until it is released, its entry is
   * its own.
   */
  public boolean isRegistered(String sessionId) {
    return byId.containsKey(sessionId);
  }

  public void unregister(Session session) {
    byId.remove(session.id(), session);
  }

  public int size() {
    return byId.size();
  }

  public Iterable<Session> all() {
    return byId.values();
  }
}
