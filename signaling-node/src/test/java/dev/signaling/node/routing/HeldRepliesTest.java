package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.presence.HeldMessage;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeldRepliesTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  @Test
  void aHeldFrameDeliveredBeforeItsHoldIsConfirmedIsReportedDelivered() throws Exception {
    // The user resumed at once: the outcome reached the sender's node before the presence map's
    // answer to the hold did. The sender must get its ack, not peer-unavailable.
    HeldReplies held = new HeldReplies(vertx, "node-s", Duration.ofSeconds(30));
    CompletableFuture<Boolean> delivered = new CompletableFuture<>();

    vertx.runOnContext(
        ignored -> {
          long ref = held.nextRef();
          var fate = held.expect(ref);
          held.answer(
              List.of(new HeldMessage("frame", "alice", "node-s", ref)), HeldReplies.DELIVERED);
          fate.onComplete(done -> delivered.complete(done.succeeded()));
        });

    assertThat(delivered.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
