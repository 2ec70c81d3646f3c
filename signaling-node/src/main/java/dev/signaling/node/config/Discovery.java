package dev.signaling.node.config;

import java.util.Locale;

/** How a node finds the rest of its cluster. */
public enum Discovery {
  /** TCP/IP join against {@code CLUSTER_MEMBERS}: a laptop, VMs, fixed hosts. */
  TCP,
  /**
   * Hazelcast's Kubernetes discovery: by DNS lookup of a headless Service ({@code
   * CLUSTER_SERVICE_DNS}, no RBAC needed) or through the Kubernetes API ({@code
   * CLUSTER_SERVICE_NAME}, needs a Role to read endpoints).
   */
  KUBERNETES,
  /** No cluster: a single node with in-memory presence. */
  NONE;

  static Discovery parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "CLUSTER_DISCOVERY (--cluster-discovery) must be one of tcp, kubernetes, none; got \""
              + value
              + "\"");
    }
  }
}
