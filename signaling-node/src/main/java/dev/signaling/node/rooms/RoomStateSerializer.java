package dev.signaling.node.rooms;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.signaling.node.presence.PresenceEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hazelcast Compact serialization of {@link RoomState}: parallel arrays, no per-member objects on
 * the wire.
 */
public final class RoomStateSerializer implements CompactSerializer<RoomState> {
  @Override
  public RoomState read(CompactReader reader) {
    String[] names = reader.readArrayOfString("names");
    String[] nodes = reader.readArrayOfString("nodes");
    String[] sessions = reader.readArrayOfString("sessions");
    Map<String, PresenceEntry> members = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      members.put(names[i], new PresenceEntry(nodes[i], sessions[i]));
    }
    String[] changed = reader.readArrayOfString("changed");
    boolean[] online = reader.readArrayOfBoolean("online");
    List<RoomChange> changes = new ArrayList<>(changed.length);
    for (int i = 0; i < changed.length; i++) {
      changes.add(new RoomChange(changed[i], online[i]));
    }
    return new RoomState(reader.readInt64("version"), members, changes);
  }

  @Override
  public void write(CompactWriter writer, RoomState state) {
    int size = state.members().size();
    String[] names = new String[size];
    String[] nodes = new String[size];
    String[] sessions = new String[size];
    int i = 0;
    for (Map.Entry<String, PresenceEntry> member : state.members().entrySet()) {
      names[i] = member.getKey();
      nodes[i] = member.getValue().node();
      sessions[i] = member.getValue().session();
      i++;
    }
    String[] changed = new String[state.changes().size()];
    boolean[] online = new boolean[changed.length];
    for (int c = 0; c < changed.length; c++) {
      changed[c] = state.changes().get(c).name();
      online[c] = state.changes().get(c).online();
    }
    writer.writeInt64("version", state.version());
    writer.writeArrayOfString("names", names);
    writer.writeArrayOfString("nodes", nodes);
    writer.writeArrayOfString("sessions", sessions);
    writer.writeArrayOfString("changed", changed);
    writer.writeArrayOfBoolean("online", online);
  }

  @Override
  public String getTypeName() {
    return "signaling.RoomState";
  }

  @Override
  public Class<RoomState> getCompactClass() {
    return RoomState.class;
  }
}
