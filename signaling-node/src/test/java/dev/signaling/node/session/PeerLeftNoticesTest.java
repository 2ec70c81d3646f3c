package dev.signaling.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.Session;
import dev.signaling.node.support.EventLoops;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.RecordingOutbound;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who is told that a peer is gone, and what telling them costs the node. */
class PeerLeftNoticesTest {
  private static final int SESSIONS = 2_000;
  private static final int GONE = 10_000;

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final List<Context> loops = EventLoops.distinct(vertx, 2);

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  /**
   * A node with thousands of sessions learns that thousands of users of a dead node are gone.
   * Checking every session against every name would take sessions × names steps on an event loop,
   * while the dead node's users reconnect; checking each session's few recent peers takes one step
   * per peer.
   */
  @Test
  void departedUsersCostEachSessionItsOwnRecentPeersNotEveryDepartedName() throws Exception {
    LocalSessions sessions = new LocalSessions();
    List<RecordingOutbound> outs = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      Context loop = loops.get(i % 2);
      RecordingOutbound out = new RecordingOutbound();
      Session session = new Session("user-" + i, "s" + i, out, OwnerContext.of(loop), 1 << 20, "");
      String peer = "gone-" + (i % 100 == 0 ? i : GONE + i);
      CompletableFuture<Void> ready = new CompletableFuture<>();
      loop.runOnContext(
          ignored -> {
            session.open("login-ok");
            session.talkedWith(peer);
            ready.complete(null);
          });
      ready.get(10, TimeUnit.SECONDS);
      sessions.register(session);
      outs.add(out);
    }
    Set<String> gone = new HashSet<>();
    for (int i = 0; i < GONE; i++) {
      gone.add("gone-" + i);
    }
    CountingSet counted = new CountingSet(gone);

    new PeerLeftNotices(sessions, (user, frame) -> {}).usersGone(counted, "node-failure");

    Poll.until(
        () -> outs.stream().filter(out -> out.frames.size() == 2).count() == SESSIONS / 100,
        Duration.ofSeconds(10),
        "every session that talked with a departed user is told");
    for (int i = 0; i < SESSIONS; i++) {
      List<String> frames = outs.get(i).frames;
      if (i % 100 == 0) {
        assertThat(frames.get(1))
            .contains("peer-left")
            .contains("\"gone-" + i + "\"")
            .contains("node-failure");
      } else {
        assertThat(frames).hasSize(1);
      }
    }
    // One look-up per session's recent peer, none per session and departed name.
    assertThat(counted.steps.get()).isLessThanOrEqualTo(SESSIONS);
  }

  /** The departed names, counting every look-up and every name visited. */
  private static final class CountingSet extends AbstractSet<String> {
    final AtomicLong steps = new AtomicLong();
    private final Set<String> names;

    CountingSet(Set<String> names) {
      this.names = names;
    }

    @Override
    public boolean contains(Object name) {
      steps.incrementAndGet();
      return names.contains(name);
    }

    @Override
    public Iterator<String> iterator() {
      Iterator<String> each = names.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return each.hasNext();
        }

        @Override
        public String next() {
          steps.incrementAndGet();
          return each.next();
        }
      };
    }

    @Override
    public int size() {
      return names.size();
    }
  }
}
