package dev.signaling.node.routing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Wire form of a {@link Delivery}: three length-prefixed UTF-8 strings. Cheaper than JSON or message
 * headers, and the frame is never parsed on its way through.
 */
public final class DeliveryCodec implements MessageCodec<Delivery, Delivery> {
  public static final String NAME = "signaling.delivery";

  @Override
  public void encodeToWire(Buffer buffer, Delivery delivery) {
    writeString(buffer, delivery.target());
    writeString(buffer, delivery.session());
    writeString(buffer, delivery.frame());
  }

  @Override
  public Delivery decodeFromWire(int pos, Buffer buffer) {
    int[] position = {pos};
    String target = readString(buffer, position);
    String session = readString(buffer, position);
    String frame = readString(buffer, position);
    return new Delivery(target, session, frame);
  }

  @Override
  public Delivery transform(Delivery delivery) {
    return delivery;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  private static void writeString(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(Buffer buffer, int[] position) {
    int length = buffer.getInt(position[0]);
    int start = position[0] + 4;
    position[0] = start + length;
    return buffer.getString(start, start + length, "UTF-8");
  }
}
