package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryCodecTest {

  @Test
  void aDeliveryCrossesTheWireUnchanged() {
    DeliveryCodec codec = new DeliveryCodec();
    Delivery delivery =
        new Delivery(
            "al\u00efce",
            "{\"from\":\"alice\",\"sdp\":\"v=0\\r\\n\u00e9\u4e2d\ud83d\ude00\"}",
            List.of(
                new Delivery.Recipient("b\u00f6b@example.org", "5d1c-session"),
                new Delivery.Recipient("carol", "77aa")),
            1_764_000_000_123L);
    Buffer wire = Buffer.buffer().appendString("prefix");

    codec.encodeToWire(wire, delivery);

    assertThat(codec.decodeFromWire("prefix".length(), wire)).isEqualTo(delivery);
  }

  @Test
  void aStreamedDeliveryCrossesTheWireWithItsPlaceInTheStream() {
    DeliveryCodec codec = new DeliveryCodec();
    Delivery delivery =
        new Delivery(
            "alice",
            "{\"from\":\"alice\"}",
            List.of(new Delivery.Recipient("bob", "s1")),
            1_764_000_000_123L,
            new Delivery.Streamed("node-\u00e9", 3, 9_000_000_000L));
    Buffer wire = Buffer.buffer().appendString("prefix");

    codec.encodeToWire(wire, delivery);

    assertThat(codec.decodeFromWire("prefix".length(), wire)).isEqualTo(delivery);
  }

  @Test
  void aBatchOfConfirmationsCrossesTheWireUnchanged() {
    Confirmation batch =
        new Confirmation(
            "node-\u00e9",
            2,
            new long[] {43, 41, 9_000_000_000L},
            new int[] {1, LocalDelivery.AWAY, StreamConfirmer.LATE},
            new int[] {19_000, 12_500, 0});

    assertThat(Confirmation.from(batch.toBuffer())).isEqualTo(batch);
  }
}
