package dev.signaling.node.rooms;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.util.List;

/**
 * Hazelcast Compact serialization of {@link RoomRestore}, the answer a restore entry processor
 * sends back.
 */
public final class RoomRestoreSerializer implements CompactSerializer<RoomRestore> {
  @Override
  public RoomRestore read(CompactReader reader) {
    return new RoomRestore(
        reader.readCompact("state"), List.of(reader.readArrayOfString("restored")));
  }

  @Override
  public void write(CompactWriter writer, RoomRestore restore) {
    writer.writeCompact("state", restore.state());
    writer.writeArrayOfString("restored", restore.restored().toArray(String[]::new));
  }

  @Override
  public String getTypeName() {
    return "signaling.RoomRestore";
  }

  @Override
  public Class<RoomRestore> getCompactClass() {
    return RoomRestore.class;
  }
}
