package dev.signaling.node.presence;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/**
 * Hazelcast Compact serialization of {@link PresenceEntry}: small on the wire, and queryable by
 * {@code node} without deserializing, which the reaper's predicates rely on.
 */
public final class PresenceEntrySerializer implements CompactSerializer<PresenceEntry> {
  @Override
  public PresenceEntry read(CompactReader reader) {
    return new PresenceEntry(reader.readString("node"), reader.readString("session"));
  }

  @Override
  public void write(CompactWriter writer, PresenceEntry entry) {
    writer.writeString("node", entry.node());
    writer.writeString("session", entry.session());
  }

  @Override
  public String getTypeName() {
    return "signaling.PresenceEntry";
  }

  @Override
  public Class<PresenceEntry> getCompactClass() {
    return PresenceEntry.class;
  }
}
