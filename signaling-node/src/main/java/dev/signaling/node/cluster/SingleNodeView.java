package dev.signaling.node.cluster;

import io.vertx.core.Future;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The membership of a node without a cluster: itself, forever. */
final class SingleNodeView implements ClusterView {
  private final String nodeId = UUID.randomUUID().toString();

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Set<String> members() {
    return Set.of(nodeId);
  }

  @Override
  public boolean isOldestMember() {
    return true;
  }

  @Override
  public Future<Boolean> isSafe() {
    return Future.succeededFuture(true);
  }

  @Override
  public void onMemberLeft(Consumer<String> listener) {
    // Nobody else can leave.
  }
}
