package dev.signaling.node.presence;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Entry processors that apply {@link PresenceRules} where a user's record is stored, under its
 * partition's lock: competing logins, resumes, holds and expiries of one name are ordered there.
 * Backups replay the same processor; the clock is read once, in the constructor, so that they reach
 * the same result.
 */
final class PresenceProcessors {
  private PresenceProcessors() {}

  private static <T> T store(
      Map.Entry<String, PresenceRecord> entry, PresenceRules.Result<T> result) {
    if (result.next() != entry.getValue()) {
      entry.setValue(result.next());
    }
    return result.outcome();
  }

  static final class Claim implements EntryProcessor<String, PresenceRecord, PresenceRecord> {
    private final String node;
    private final String session;
    private final String resumeKey;

    Claim(PresenceEntry entry, String resumeKey) {
      this.node = entry.node();
      this.session = entry.session();
      this.resumeKey = resumeKey;
    }

    @Override
    public PresenceRecord process(Map.Entry<String, PresenceRecord> entry) {
      return store(
          entry,
          PresenceRules.claim(entry.getValue(), new PresenceEntry(node, session), resumeKey));
    }
  }

  static final class ClaimOwned implements EntryProcessor<String, PresenceRecord, PresenceEntry> {
    private final String node;
    private final String session;
    private final String ownerKey;

    ClaimOwned(PresenceEntry entry, String ownerKey) {
      this.node = entry.node();
      this.session = entry.session();
      this.ownerKey = ownerKey;
    }

    @Override
    public PresenceEntry process(Map.Entry<String, PresenceRecord> entry) {
      return store(
          entry,
          PresenceRules.claimOwned(entry.getValue(), new PresenceEntry(node, session), ownerKey));
    }
  }

  static final class Release implements EntryProcessor<String, PresenceRecord, PresenceRecord> {
    private final String session;

    Release(String session) {
      this.session = session;
    }

    @Override
    public PresenceRecord process(Map.Entry<String, PresenceRecord> entry) {
      return store(entry, PresenceRules.release(entry.getValue(), session));
    }
  }

  static final class GoAway implements EntryProcessor<String, PresenceRecord, Boolean> {
    private final String session;
    private final long awayUntil;

    GoAway(String session, long awayUntil) {
      this.session = session;
      this.awayUntil = awayUntil;
    }

    @Override
    public Boolean process(Map.Entry<String, PresenceRecord> entry) {
      return store(entry, PresenceRules.goAway(entry.getValue(), session, awayUntil));
    }
  }

  static final class NodeLeft implements EntryProcessor<String, PresenceRecord, Boolean> {
    private final String node;
    private final long awayUntil;

    NodeLeft(String node, long awayUntil) {
      this.node = node;
      this.awayUntil = awayUntil;
    }

    @Override
    public Boolean process(Map.Entry<String, PresenceRecord> entry) {
      PresenceRecord current = entry.getValue();
      // Applied to every node that is not a member any more: the record names its own node.
      return store(
          entry, PresenceRules.nodeLeft(current, node == null ? current.node() : node, awayUntil));
    }
  }

  static final class Hold implements EntryProcessor<String, PresenceRecord, PresenceRules.Hold> {
    private final String session;
    private final String frame;
    private final String sender;
    private final String senderNode;
    private final long ref;
    private final int maxMessages;
    private final int maxBytes;
    private final long now = System.currentTimeMillis();

    Hold(String session, HeldMessage message, int maxMessages, int maxBytes) {
      this.session = session;
      this.frame = message.frame();
      this.sender = message.sender();
      this.senderNode = message.senderNode();
      this.ref = message.ref();
      this.maxMessages = maxMessages;
      this.maxBytes = maxBytes;
    }

    @Override
    public PresenceRules.Hold process(Map.Entry<String, PresenceRecord> entry) {
      HeldMessage message = new HeldMessage(frame, sender, senderNode, ref);
      return store(
          entry,
          PresenceRules.hold(entry.getValue(), session, message, maxMessages, maxBytes, now));
    }
  }

  static final class Resume implements EntryProcessor<String, PresenceRecord, PresenceRecord> {
    private final String resumeKey;
    private final String node;
    private final String session;
    private final String freshKey;
    private final long now = System.currentTimeMillis();

    Resume(String resumeKey, PresenceEntry entry, String freshKey) {
      this.resumeKey = resumeKey;
      this.node = entry.node();
      this.session = entry.session();
      this.freshKey = freshKey;
    }

    @Override
    public PresenceRecord process(Map.Entry<String, PresenceRecord> entry) {
      return store(
          entry,
          PresenceRules.resume(
              entry.getValue(), resumeKey, new PresenceEntry(node, session), freshKey, now));
    }
  }

  static final class Room implements EntryProcessor<String, PresenceRecord, Boolean> {
    private final String session;
    private final String room;
    private final boolean in;

    Room(String session, String room, boolean in) {
      this.session = session;
      this.room = room;
      this.in = in;
    }

    @Override
    public Boolean process(Map.Entry<String, PresenceRecord> entry) {
      return store(entry, PresenceRules.room(entry.getValue(), session, room, in));
    }
  }

  static final class Expire implements EntryProcessor<String, PresenceRecord, PresenceRecord> {
    private final long now;

    Expire(long now) {
      this.now = now;
    }

    @Override
    public PresenceRecord process(Map.Entry<String, PresenceRecord> entry) {
      return store(entry, PresenceRules.expire(entry.getValue(), now));
    }
  }

  /** Removes the record it is applied to. */
  static final class Remove implements EntryProcessor<String, PresenceRecord, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, PresenceRecord> entry) {
      entry.setValue(null);
      return true;
    }
  }
}
