package dev.signaling.node.presence;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.SignalingNode;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The presence contract on a real two-member Hazelcast cluster, each side using its own member. */
class HazelcastPresenceTest extends PresenceContractTest {
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    // Without the oldest member's sweep, which would remove the entries these tests make for
    // made-up nodes.
    cluster = TestCluster.start(true, 2, Map.of("PRESENCE_RECONCILE_SECONDS", "3600"));
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  Presence presence() {
    return node(0).presence();
  }

  @Override
  Presence otherNodesPresence() {
    return node(1).presence();
  }

  /**
   * Every relay starts with a lookup: one thread started per lookup (what Hazelcast's default
   * callback executor does where the common pool has fewer than two threads, as on two cores) costs
   * more CPU than the relay itself.
   */
  @Test
  void lookupsStartNoThreadOfTheirOwn() {
    String name = "user-" + UUID.randomUUID();
    // Not a real node's: each node removes entries of its own that name sessions it does not have.
    PresenceEntry entry = new PresenceEntry("node-" + UUID.randomUUID(), "s1");
    await(presence().claim(name, entry, ""));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long startedBefore = threads.getTotalStartedThreadCount();

    for (int i = 0; i < 500; i++) {
      assertThat(await(otherNodesPresence().lookup(name))).isEqualTo(entry);
      assertThat(await(presence().lookup(name))).isEqualTo(entry);
    }

    // A few threads may start meanwhile for other reasons (pools growing); 1000 lookups must not
    // add 1000.
    assertThat(threads.getTotalStartedThreadCount() - startedBefore).isLessThan(50);
  }

  /**
   * Relays continue on their connection's event loop, where their state lives; never on Hazelcast's
   * threads.
   */
  @Test
  void answersArriveOnTheCallersEventLoop() {
    String name = "user-" + UUID.randomUUID();
    await(presence().claim(name, new PresenceEntry("node-" + UUID.randomUUID(), "s1"), ""));
    Context loop = node(0).vertx().getOrCreateContext();
    CompletableFuture<Boolean> onCallersLoop = new CompletableFuture<>();

    loop.runOnContext(
        ignored ->
            presence()
                .lookup(name)
                .onComplete(
                    answer ->
                        onCallersLoop.complete(
                            Vertx.currentContext() == loop && answer.result() != null)));

    assertThat(onCallersLoop).succeedsWithin(TestCluster.TIMEOUT).isEqualTo(true);
  }

  private static SignalingNode node(int index) {
    return cluster.node(index);
  }
}
