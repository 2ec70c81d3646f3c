package dev.signaling.node.config;

/**
 * Where Hazelcast's Kubernetes discovery finds the other nodes: a headless Service's DNS name, or
 * else a Service and namespace whose endpoints it reads from the Kubernetes API.
 *
 * @param serviceDns e.g. {@code signaling-hazelcast.default.svc.cluster.local}; empty for API mode
 * @param serviceName the Service for API mode
 * @param namespace the namespace for API mode; empty for the pod's own
 */
public record KubernetesDiscovery(String serviceDns, String serviceName, String namespace) {

  public boolean usesDns() {
    return !serviceDns.isEmpty();
  }

  @Override
  public String toString() {
    return usesDns()
        ? "dns " + serviceDns
        : "api service " + serviceName + (namespace.isEmpty() ? "" : " in " + namespace);
  }
}
