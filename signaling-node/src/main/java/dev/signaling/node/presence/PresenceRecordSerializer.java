package dev.signaling.node.presence;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.util.List;

/**
 * Hazelcast Compact serialization of {@link PresenceRecord}: small on the wire, and queryable by
 * {@code node} and {@code awayUntil} without deserializing, which the reaper's and the expiry's
 * predicates rely on.
 */
public final class PresenceRecordSerializer implements CompactSerializer<PresenceRecord> {
  @Override
  public PresenceRecord read(CompactReader reader) {
    HeldMessage[] held = reader.readArrayOfCompact("held", HeldMessage.class);
    return new PresenceRecord(
        reader.readString("node"),
        reader.readString("session"),
        reader.readInt64("awayUntil"),
        reader.readString("resumeKey"),
        List.of(reader.readArrayOfString("rooms")),
        held == null ? List.of() : List.of(held));
  }

  @Override
  public void write(CompactWriter writer, PresenceRecord record) {
    writer.writeString("node", record.node());
    writer.writeString("session", record.session());
    writer.writeInt64("awayUntil", record.awayUntil());
    writer.writeString("resumeKey", record.resumeKey());
    writer.writeArrayOfString("rooms", record.rooms().toArray(String[]::new));
    writer.writeArrayOfCompact("held", record.held().toArray(HeldMessage[]::new));
  }

  @Override
  public String getTypeName() {
    return "signaling.PresenceRecord";
  }

  @Override
  public Class<PresenceRecord> getCompactClass() {
    return PresenceRecord.class;
  }

  /** Its held frames. */
  public static final class HeldMessageSerializer implements CompactSerializer<HeldMessage> {
    @Override
    public HeldMessage read(CompactReader reader) {
      return new HeldMessage(
          reader.readString("frame"),
          reader.readString("sender"),
          reader.readString("senderNode"),
          reader.readInt64("ref"));
    }

    @Override
    public void write(CompactWriter writer, HeldMessage message) {
      writer.writeString("frame", message.frame());
      writer.writeString("sender", message.sender());
      writer.writeString("senderNode", message.senderNode());
      writer.writeInt64("ref", message.ref());
    }

    @Override
    public String getTypeName() {
      return "signaling.HeldMessage";
    }

    @Override
    public Class<HeldMessage> getCompactClass() {
      return HeldMessage.class;
    }
  }
}
