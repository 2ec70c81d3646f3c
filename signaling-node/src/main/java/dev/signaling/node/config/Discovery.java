package dev.signaling.node.config;

/** How a node finds the rest of its cluster. */
public enum Discovery {
  /** TCP/IP join against {@code CLUSTER_MEMBERS}: a laptop, VMs, fixed hosts. */
  TCP,
  /** No cluster: a single node with in-memory presence. */
  NONE;

  static Discovery parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("CLUSTER_DISCOVERY (--cluster-discovery) must be one of tcp, none; got \"" + value + "\"");
    }
  }
}
