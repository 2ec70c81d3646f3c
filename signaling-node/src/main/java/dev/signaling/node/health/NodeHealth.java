package dev.signaling.node.health;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Liveness and readiness of the node. Ready means: serving HTTP, in a cluster whose data is safely
 * backed up, and not draining; a load balancer stops sending new clients as soon as it is not.
 */
public final class NodeHealth {
  private final String nodeId;
  private final IntSupplier clusterMembers;
  private final IntSupplier sessions;
  private final Supplier<Future<Boolean>> clusterSafe;
  private volatile boolean draining;

  /**
   * @param clusterSafe whether every partition of the cluster's data has its backups in place
   */
  public NodeHealth(
      String nodeId,
      IntSupplier clusterMembers,
      IntSupplier sessions,
      Supplier<Future<Boolean>> clusterSafe) {
    this.nodeId = nodeId;
    this.clusterMembers = clusterMembers;
    this.sessions = sessions;
    this.clusterSafe = clusterSafe;
  }

  public void startDraining() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  /** The liveness report: the process answers. */
  public JsonObject live() {
    return report("UP");
  }

  /** The readiness report; {@code ready} says whether the node takes new clients. */
  public Future<Readiness> ready() {
    if (draining) {
      return Future.succeededFuture(
          new Readiness(false, report("DRAINING").put("clusterSafe", (Object) null)));
    }
    return clusterSafe
        .get()
        .otherwise(false)
        .map(
            safe ->
                new Readiness(
                    safe, report(safe ? "UP" : "CLUSTER_UNSAFE").put("clusterSafe", safe)));
  }

  private JsonObject report(String status) {
    return new JsonObject()
        .put("status", status)
        .put("node", nodeId)
        .put("clusterMembers", clusterMembers.getAsInt())
        .put("sessions", sessions.getAsInt())
        .put("draining", draining);
  }

  /** A readiness answer: the verdict and the report that explains it. */
  public record Readiness(boolean ready, JsonObject report) {}
}
