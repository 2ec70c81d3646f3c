package dev.signaling.node.rooms;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/**
 * Hazelcast Compact serialization of {@link JoinOutcome}, the answer a join entry processor sends
 * back.
 */
public final class JoinOutcomeSerializer implements CompactSerializer<JoinOutcome> {
  @Override
  public JoinOutcome read(CompactReader reader) {
    return new JoinOutcome(reader.readBoolean("joined"), reader.readCompact("state"));
  }

  @Override
  public void write(CompactWriter writer, JoinOutcome outcome) {
    writer.writeBoolean("joined", outcome.joined());
    writer.writeCompact("state", outcome.state());
  }

  @Override
  public String getTypeName() {
    return "signaling.JoinOutcome";
  }

  @Override
  public Class<JoinOutcome> getCompactClass() {
    return JoinOutcome.class;
  }
}
