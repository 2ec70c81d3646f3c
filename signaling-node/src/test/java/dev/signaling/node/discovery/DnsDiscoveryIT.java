package dev.signaling.node.discovery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Hazelcast's Kubernetes discovery in DNS mode ({@code CLUSTER_SERVICE_DNS}, what {@code k8s/}
 * deploys), against a DNS server of the test's own that answers the headless Service's name with
 * the nodes' addresses, as the cluster's DNS does with a pod's IP per record. Each node resolves
 * through that server alone ({@link LocalDns}).
 *
 * <p>Needs root, dnsmasq and unshare; skipped without them, unless the environment variable {@code
 * CI} is {@code true}: then it fails.
 */
class DnsDiscoveryIT {

  @Test
  void nodesListedInTheServicesDnsRecordsFormOneClusterAndFollowTheRecords() throws Exception {
    String namespace = "calls-" + Long.toHexString(System.nanoTime() & 0xffffff);
    String name = "signaling-hazelcast." + namespace + ".svc.cluster.local";
    try (DiscoveryScenario scenario = DiscoveryScenario.create("dns");
        LocalDns dns = localDnsOrSkip(scenario.address(53), name)) {
      scenario.run(
          new DiscoveryScenario.Listing() {
            @Override
            public void publish(List<String> addresses) throws Exception {
              dns.publish(addresses);
            }

            @Override
            public long lookups() throws IOException {
              return dns.lookups();
            }
          },
          dns.prefix(),
          Map.of("CLUSTER_SERVICE_DNS", name));
    }
  }

  private static LocalDns localDnsOrSkip(String host, String name) throws InterruptedException {
    try {
      return LocalDns.start(host, name, Path.of("target", "discovery-dns"));
    } catch (IOException unavailable) {
      String why =
          "cannot run a DNS server of the test's own here (needs root, Debian's dnsmasq-base and"
              + " unshare): "
              + unavailable.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why, unavailable);
      }
      Assumptions.abort(why);
      throw new IllegalStateException("not reached");
    }
  }
}
