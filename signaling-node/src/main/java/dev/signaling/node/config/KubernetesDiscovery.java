package dev.signaling.node.config;

/**
 * Where Hazelcast's Kubernetes discovery finds the other nodes: a headless Service's DNS name, or
 * else a Service and namespace whose endpoints it reads from the Kubernetes API.
 *
 * @param serviceDns e.g. {@code signaling-hazelcast.default.svc.cluster.local}; empty for API mode
 * @param serviceName the Service for API mode
 * @param namespace the namespace for API mode; empty for the pod's own
 * @param apiUrl the API server's base URL for API mode; empty for the in-cluster default
 * @param tokenFile a file with the API's bearer token; empty for the pod's service-account token
 * @param caFile a PEM file with the API server's CA; empty for the pod's service-account CA
 */
public record KubernetesDiscovery(
    String serviceDns,
    String serviceName,
    String namespace,
    String apiUrl,
    String tokenFile,
    String caFile) {

  public boolean usesDns() {
    return !serviceDns.isEmpty();
  }

  @Override
  public String toString() {
    return usesDns()
        ? "dns " + serviceDns
        : "api service "
            + serviceName
            + (namespace.isEmpty() ? "" : " in " + namespace)
            + (apiUrl.isEmpty() ? "" : " at " + apiUrl);
  }
}
