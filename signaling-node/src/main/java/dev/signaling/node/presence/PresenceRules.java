package dev.signaling.node.presence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a user's presence record changes: pure functions from the record as stored (or {@code null})
 * to the next one and what the caller learns. The Hazelcast entry processors apply them under the
 * key's lock where the record is stored, and the single-node presence under its map's lock, so both
 * follow the same rules.
 */
public final class PresenceRules {
  private PresenceRules() {}

  /** The record to store ({@code null}: none) and what the change tells its caller. */
  public record Result<T>(PresenceRecord next, T outcome) {}

  /** What became of a frame offered to an away session. */
  public enum Hold {
    /** Held; its sender learns the outcome when the session resumes or its window ends. */
    HELD,
    /** The session's buffer is full: not held. */
    FULL,
    /** The name is no longer that session's (it resumed, logged in again, or is gone). */
    MOVED
  }

  /** A login takes the name; the caller learns the record it replaced. */
  public static Result<PresenceRecord> claim(
      PresenceRecord current, PresenceEntry entry, String resumeKey) {
    return new Result<>(PresenceRecord.connected(entry, resumeKey), current);
  }

  /**
   * A login that owns its name (see {@link SessionOwners}) takes it only when it is free or held by
   * a session of the same owner; the caller learns what held it: {@code null} or the same owner's
   * (replaced), or another owner's (left in place: the claim is refused). Such a session cannot be
   * resumed.
   */
  public static Result<PresenceEntry> claimOwned(
      PresenceRecord current, PresenceEntry entry, String ownerKey) {
    if (current == null || SessionOwners.ownedBy(current.session(), ownerKey)) {
      return new Result<>(
          PresenceRecord.connected(entry, ""), current == null ? null : current.entry());
    }
    return new Result<>(current, current.entry());
  }

  /** A logout, or a session that cannot be resumed, gives the name up if it still holds it. */
  public static Result<PresenceRecord> release(PresenceRecord current, String session) {
    if (current != null && current.session().equals(session)) {
      return new Result<>(null, current);
    }
    return new Result<>(current, null);
  }

  /** The session's connection ended: it stays the name's, away, until {@code awayUntil}. */
  public static Result<Boolean> goAway(PresenceRecord current, String session, long awayUntil) {
    if (current == null || !current.session().equals(session)) {
      return new Result<>(current, false);
    }
    if (current.isAway()) {
      return new Result<>(current, true);
    }
    return new Result<>(withAway(current, awayUntil, current.held()), true);
  }

  /** Every connected session of a node that left the cluster is away until {@code awayUntil}. */
  public static Result<Boolean> nodeLeft(PresenceRecord current, String node, long awayUntil) {
    if (current == null || !current.node().equals(node) || current.isAway()) {
      return new Result<>(current, false);
    }
    return new Result<>(withAway(current, awayUntil, current.held()), true);
  }

  /**
   * Holds {@code message} for {@code session}, which is away or going away, unless its buffer is
   * full or the name has moved on.
   */
  public static Result<Hold> hold(
      PresenceRecord current,
      String session,
      HeldMessage message,
      int maxMessages,
      int maxBytes,
      long now) {
    if (current == null
        || !current.session().equals(session)
        || (current.isAway() && current.awayUntil() <= now)) {
      return new Result<>(current, Hold.MOVED);
    }
    if (current.held().size() >= maxMessages || current.heldBytes() + message.size() > maxBytes) {
      return new Result<>(current, Hold.FULL);
    }
    List<HeldMessage> held = new ArrayList<>(current.held());
    held.add(positionFor(held, message), message);
    return new Result<>(withAway(current, current.awayUntil(), held), Hold.HELD);
  }

  /**
   * Where {@code message} goes among the held frames: before the first one its sender's node
   * numbered later. Frames of one sender are numbered in the order they were sent, but their holds
   * may reach the map in another (one waited for a node that stopped answering, one was retried
   * while partitions migrated); sorting by number delivers them in the order they were sent.
   */
  private static int positionFor(List<HeldMessage> held, HeldMessage message) {
    for (int i = 0; i < held.size(); i++) {
      HeldMessage other = held.get(i);
      if (other.senderNode().equals(message.senderNode()) && other.ref() > message.ref()) {
        return i;
      }
    }
    return held.size();
  }

  /**
   * A login with the resume token whose hash is {@code resumeKey} takes the session over, on {@code
   * entry}, with a fresh token's hash: the caller learns the record it took over (its rooms and
   * held frames, now the caller's to deliver), or {@code null} when the token does not match a
   * session that may be resumed. A connected session may be taken over too: its client may have
   * moved before the node noticed the old connection was gone.
   */
  public static Result<PresenceRecord> resume(
      PresenceRecord current, String resumeKey, PresenceEntry entry, String freshKey, long now) {
    if (current == null
        || resumeKey.isEmpty()
        || !current.resumeKey().equals(resumeKey)
        || (current.isAway() && current.awayUntil() <= now)) {
      return new Result<>(current, null);
    }
    PresenceRecord next =
        new PresenceRecord(entry.node(), entry.session(), 0, freshKey, current.rooms(), List.of());
    return new Result<>(next, current);
  }

  /** An away session whose window has ended is gone: the caller learns its record. */
  public static Result<PresenceRecord> expire(PresenceRecord current, long now) {
    if (current != null && current.isAway() && current.awayUntil() <= now) {
      return new Result<>(null, current);
    }
    return new Result<>(current, null);
  }

  /** The session joined ({@code in}) or left {@code room}. */
  public static Result<Boolean> room(
      PresenceRecord current, String session, String room, boolean in) {
    if (current == null || !current.session().equals(session)) {
      return new Result<>(current, false);
    }
    Set<String> rooms = new LinkedHashSet<>(current.rooms());
    boolean changed = in ? rooms.add(room) : rooms.remove(room);
    if (!changed) {
      return new Result<>(current, false);
    }
    return new Result<>(
        new PresenceRecord(
            current.node(),
            current.session(),
            current.awayUntil(),
            current.resumeKey(),
            List.copyOf(rooms),
            current.held()),
        true);
  }

  private static PresenceRecord withAway(
      PresenceRecord current, long awayUntil, List<HeldMessage> held) {
    return new PresenceRecord(
        current.node(), current.session(), awayUntil, current.resumeKey(), current.rooms(), held);
  }
}
