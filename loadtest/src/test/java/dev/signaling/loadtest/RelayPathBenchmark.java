package dev.signaling.loadtest;

import dev.signaling.node.routing.Delivery;
import dev.signaling.node.routing.DeliveryCodec;
import dev.signaling.protocol.ClientMessage;
import dev.signaling.protocol.MessageDecoder;
import dev.signaling.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the node does to every relayed frame, method by method, each next to a reference doing the
 * same job the obvious way in the same run: decoding a client frame (against parsing it into a
 * Vert.x {@link JsonObject}), building the frame the target receives (against putting {@code from}
 * into that object and encoding it again), and carrying it to another node (against a JSON
 * envelope). Frames: an ICE candidate, the message a call sends most of, and an offer with a 3 KB
 * SDP.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RelayPathBenchmark {
  private static final String CANDIDATE =
      "{\"type\":\"new-ice-candidate\",\"target\":\"bob-0042\",\"id\":\"c17\",\"candidate\":"
          + "{\"candidate\":\"candidate:842163049 1 udp 1677729535 192.0.2.10 54400 typ srflx raddr"
          + " 10.0.0.5 rport 54400 generation 0 ufrag EsAw network-cost 999\",\"sdpMid\":\"0\","
          + "\"sdpMLineIndex\":0}}";

  @Param({"candidate", "offer"})
  public String frame;

  private String text;
  private ClientMessage.Relay decoded;
  private JsonObject parsed;
  private Delivery delivery;
  private final DeliveryCodec codec = new DeliveryCodec();

  @Setup
  public void setUp() throws ProtocolException {
    text =
        frame.equals("candidate")
            ? CANDIDATE
            : new JsonObject()
                .put("type", "video-offer")
                .put("target", "bob-0042")
                .put("id", "c18")
                .put("sdp", new JsonObject().put("type", "offer").put("sdp", Sdp.OFFER))
                .encode();
    decoded = (ClientMessage.Relay) MessageDecoder.decode(text);
    parsed = new JsonObject(text);
    delivery =
        new Delivery(
            "alice-0041",
            decoded.framedFrom("alice-0041"),
            List.of(new Delivery.Recipient("bob-0042", "8f14e45f-ceea-467f-a0e6-1ff2e6bd4b5a")),
            1_767_000_000_000L);
  }

  @Benchmark
  public ClientMessage decode() throws ProtocolException {
    return MessageDecoder.decode(text);
  }

  @Benchmark
  public JsonObject decodeReferenceJsonTree() {
    return new JsonObject(text);
  }

  @Benchmark
  public String frameForTarget() {
    return decoded.framedFrom("alice-0041");
  }

  @Benchmark
  public String frameForTargetReferenceReencode() {
    return parsed.copy().put("from", "alice-0041").encode();
  }

  @Benchmark
  public Delivery crossNodes() {
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, delivery);
    return codec.decodeFromWire(0, wire);
  }

  @Benchmark
  public JsonObject crossNodesReferenceJson() {
    Buffer wire =
        new JsonObject()
            .put("sender", delivery.sender())
            .put("frame", delivery.frame())
            .put("name", delivery.recipients().get(0).name())
            .put("session", delivery.recipients().get(0).session())
            .put("sentAt", delivery.sentAt())
            .toBuffer();
    return new JsonObject(wire);
  }
}
