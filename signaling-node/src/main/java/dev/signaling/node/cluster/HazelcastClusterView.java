package dev.signaling.node.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership from Hazelcast. Listeners run on a Vert.x context, never on Hazelcast's event threads.
 */
final class HazelcastClusterView implements ClusterView {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastClusterView.class);

  /** The member attribute in which the Hazelcast cluster manager publishes the Vert.x node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final String nodeId;
  private final Context context;
  private final ClusterSafety safety;

  HazelcastClusterView(HazelcastInstance hazelcast, String nodeId, Context context) {
    this.hazelcast = hazelcast;
    this.nodeId = nodeId;
    this.context = context;
    this.safety =
        new ClusterSafety(context.owner(), () -> hazelcast.getPartitionService().isClusterSafe());
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Set<String> members() {
    return hazelcast.getCluster().getMembers().stream()
        .map(HazelcastClusterView::nodeIdOf)
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public boolean isOldestMember() {
    // Hazelcast lists members oldest first.
    return hazelcast.getCluster().getMembers().iterator().next().localMember();
  }

  @Override
  public Future<Boolean> isSafe() {
    return safety.check();
  }

  @Override
  public void onRejoinAfterSplit(Runnable listener) {
    hazelcast
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
                LOG.warn(
                    "rejoining the cluster after a split: this side's presence and rooms are discarded");
                onContext("rejoin", listener);
              }
            });
  }

  @Override
  public void onMergeCompleted(Runnable listener) {
    hazelcast
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("rejoined the cluster after a split");
                onContext("merge", listener);
              }
            });
  }

  @Override
  public void onMemberJoined(Consumer<String> listener) {
    hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                String joined = nodeIdOf(event.getMember());
                onContext("member joined", () -> listener.accept(joined));
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                // Reported by onMemberLeft.
              }
            });
  }

  @Override
  public void onMemberLeft(Consumer<String> listener) {
    hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                LOG.info(
                    "member joined: {} ({})",
                    describe(event.getMember()),
                    ClusterView.memberCount(event.getMembers().size()));
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                LOG.info(
                    "member left: {} ({})",
                    describe(event.getMember()),
                    ClusterView.memberCount(event.getMembers().size()));
                String left = nodeIdOf(event.getMember());
                onContext("member left", () -> listener.accept(left));
              }
            });
  }

  /**
   * Runs a listener on the view's context; a failing listener is logged, never lost in Hazelcast's
   * threads.
   */
  private void onContext(String event, Runnable listener) {
    context.runOnContext(
        ignored -> {
          try {
            listener.run();
          } catch (RuntimeException bug) {
            LOG.error("a listener of \"{}\" failed", event, bug);
          }
        });
  }

  private static String nodeIdOf(Member member) {
    String nodeId = member.getAttribute(VERTX_NODE_ID);
    return nodeId != null ? nodeId : member.getUuid().toString();
  }

  private static String describe(Member member) {
    return nodeIdOf(member) + " at " + member.getAddress();
  }
}
