package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order rules of one sender's queue, with lookups and deliveries the test completes itself. */
class RelayQueueTest {
  private final RelayQueue queue = new RelayQueue();
  private final List<String> handedOn = new ArrayList<>();
  private final List<Promise<Void>> deliveries = new ArrayList<>();

  private Future<Void> relay(String frame, String destination, String whereItIs) {
    return queue.relay(destination, () -> Future.succeededFuture(whereItIs), where -> {
      handedOn.add(frame + "@" + where);
      Promise<Void> delivered = Promise.promise();
      deliveries.add(delivered);
      return delivered.future();
    });
  }

  @Test
  void framesToTheSamePlaceGoOnWithoutWaitingForEachOther() {
    relay("1", "user:bob", "node-b");
    relay("2", "user:bob", "node-b");
    relay("3", "user:carol", "node-c");

    assertThat(handedOn).containsExactly("1@node-b", "2@node-b", "3@node-c");
  }

  @Test
  void aFrameForWhereTheUserIsNowWaitsForTheFramesStillOnTheirWayToWhereItWas() {
    relay("1", "user:bob", "node-b");
    relay("2", "user:bob", "node-b");
    relay("3", "user:bob", "node-c");
    relay("4", "user:carol", "node-c");

    // 1 and 2 may yet be delivered again at node-c: 3 must not get there first, nor anything after it.
    assertThat(handedOn).containsExactly("1@node-b", "2@node-b");
    deliveries.get(0).complete();
    assertThat(handedOn).containsExactly("1@node-b", "2@node-b");
    deliveries.get(1).fail("gone");
    assertThat(handedOn).containsExactly("1@node-b", "2@node-b", "3@node-c", "4@node-c");
  }
}
