package dev.signaling.node.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.reliability.NodeProcess;
import dev.signaling.node.support.Measurements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hazelcast's Kubernetes discovery in API mode ({@code CLUSTER_SERVICE_NAME}), against a stand-in
 * API server that serves the Service's endpoints over HTTPS with its own CA and token, and allows
 * exactly what the pods' Role in {@code k8s/base/rbac-api-mode.yaml} allows. The nodes are pointed
 * at it with {@code CLUSTER_KUBERNETES_API_URL}, {@code CLUSTER_KUBERNETES_TOKEN_FILE} and {@code
 * CLUSTER_KUBERNETES_CA_FILE}, as a node outside the cluster would be.
 */
class KubernetesApiDiscoveryIT {
  private static final String SERVICE = "signaling-hazelcast";

  @Test
  void nodesListedInTheEndpointsFormOneClusterAndFollowTheListing() throws Exception {
    String namespace = "calls-" + Long.toHexString(System.nanoTime() & 0xffffff);
    Path directory = Path.of("target", "discovery-api");
    try (DiscoveryScenario scenario = DiscoveryScenario.create("api");
        StandInKubernetesApi api =
            StandInKubernetesApi.start(
                scenario.address(1),
                namespace,
                SERVICE,
                scenario.clusterPort(),
                Path.of("..", "k8s", "base", "rbac-api-mode.yaml"),
                directory)) {
      Map<String, String> discovery =
          Map.of(
              "CLUSTER_SERVICE_NAME", SERVICE,
              "CLUSTER_NAMESPACE", namespace,
              "CLUSTER_KUBERNETES_API_URL", api.url(),
              "CLUSTER_KUBERNETES_TOKEN_FILE", api.tokenFile().toString(),
              "CLUSTER_KUBERNETES_CA_FILE", api.caFile().toString());
      scenario.run(
          new DiscoveryScenario.Listing() {
            @Override
            public void publish(List<String> addresses) {
              api.publish(addresses);
            }

            @Override
            public long lookups() {
              return api.endpointReads();
            }
          },
          List.of(),
          discovery);

      Measurements.record(
          "discovery (api): requests to the API, by answer and path: "
              + api.requests(request -> true).stream()
                  .collect(
                      Collectors.groupingBy(
                          request ->
                              request.status()
                                  + " "
                                  + request.path().replace(namespace, "NS")
                                  + (request.query() == null ? "" : "?" + request.query()),
                          TreeMap::new,
                          Collectors.counting())));
      assertThat(api.requests(request -> request.status() == 401 || request.status() == 403))
          .as("requests refused: a wrong token, or more than the Role allows")
          .isEmpty();
      assertThat(api.requests(request -> request.path().contains("/endpointslices")))
          .as("the Service's EndpointSlices are what the nodes read")
          .isNotEmpty();

      // A node that may not read the endpoints, as when its namespace is not the Role's: the API
      // refuses it (403), and Hazelcast logs that and starts it alone, a cluster of one that takes
      // clients whose peers are all elsewhere. Only its cluster_members of 1 shows it. (A wrong
      // token, 401, ends the same, but only after Hazelcast's retries: 48 s in one run.)
      List<NodeProcess> cluster = scenario.running();
      Map<String, String> forbidden = new HashMap<>(discovery);
      forbidden.put("CLUSTER_NAMESPACE", namespace + "-elsewhere");
      long started = System.nanoTime();
      NodeProcess alone = scenario.start(5, List.of(), forbidden);
      scenario.awaitMembers(
          List.of(alone), 1, Duration.ofSeconds(60), "the node the API refuses starts alone");
      long refused = api.requests(request -> request.status() == 403).size();
      assertThat(refused).as("requests refused as forbidden").isPositive();
      scenario.awaitMembers(
          cluster, 3, Duration.ofSeconds(5), "the others carry on without the refused node");
      Measurements.record(
          "discovery (api): a node refused by the API (403) started alone (cluster_members 1) "
              + Duration.ofNanos(System.nanoTime() - started).toMillis()
              + " ms after its start, after "
              + refused
              + " requests refused; its /health/ready answered "
              + alone.status("/health/ready"));
    }
  }
}
