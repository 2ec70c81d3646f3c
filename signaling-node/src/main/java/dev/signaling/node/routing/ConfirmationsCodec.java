package dev.signaling.node.routing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/** Wire form of {@link Confirmations}: the count, then each number and its result. */
public final class ConfirmationsCodec implements MessageCodec<Confirmations, Confirmations> {
  public static final String NAME = "signaling.confirmations";

  @Override
  public void encodeToWire(Buffer buffer, Confirmations confirmations) {
    buffer.appendInt(confirmations.size());
    for (int i = 0; i < confirmations.size(); i++) {
      buffer.appendLong(confirmations.seqs()[i]).appendInt(confirmations.results()[i]);
    }
  }

  @Override
  public Confirmations decodeFromWire(int pos, Buffer buffer) {
    int count = buffer.getInt(pos);
    long[] seqs = new long[count];
    int[] results = new int[count];
    int position = pos + 4;
    for (int i = 0; i < count; i++) {
      seqs[i] = buffer.getLong(position);
      results[i] = buffer.getInt(position + 8);
      position += 12;
    }
    return new Confirmations(seqs, results);
  }

  @Override
  public Confirmations transform(Confirmations confirmations) {
    return confirmations;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
