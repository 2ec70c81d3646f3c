package dev.signaling.node.support;

import dev.signaling.client.SignalingClient;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** A signaling node in a JVM of its own, started from the packaged jar, that a test can kill. */
public final class ChildNode implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  private final Path log;

  private ChildNode(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** Starts {@code java -jar signaling-node.jar} with these settings as environment variables. */
  public static ChildNode start(String name, Map<String, String> settings) throws IOException {
    String jar = System.getProperty("signaling.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException(
          "system property signaling.jar must name the packaged node jar; got " + jar);
    }
    int port = freePort();
    Path log = Path.of("target", "child-nodes", name + ".log");
    Files.createDirectories(log.getParent());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // Assertions on, as in the tests' own JVM: a state touched off its event loop fails
                // loudly.
                "-ea:dev.signaling...",
                "-jar",
                jar));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Without resume unless the test asks for it, as in TestCluster.
    builder.environment().put("RESUME_SECONDS", "0");
    builder.environment().putAll(settings);
    builder.environment().put("HTTP_HOST", "127.0.0.1");
    builder.environment().put("HTTP_PORT", Integer.toString(port));
    return new ChildNode(builder.start(), port, log);
  }

  /** A child node that joins {@code cluster}, with one verticle instance to keep it light. */
  public static ChildNode joining(TestCluster cluster, String name) throws IOException {
    return joining(cluster, name, Map.of());
  }

  /** A child node that joins {@code cluster}, with these settings on top. */
  public static ChildNode joining(TestCluster cluster, String name, Map<String, String> settings)
      throws IOException {
    Map<String, String> all = new HashMap<>(settings);
    all.put("CLUSTER_NAME", cluster.clusterName());
    all.putIfAbsent("VERTICLE_INSTANCES", "1");
    return start(name, all);
  }

  /**
   * Logs {@code name} in on this node as soon as it accepts logins, with a client of {@code
   * cluster}.
   */
  public SignalingClient login(TestCluster cluster, String name) {
    SignalingClient[] client = new SignalingClient[1];
    Poll.until(
        () -> {
          if (!isAlive()) {
            throw new AssertionError("the child node exited; see " + log);
          }
          try {
            client[0] =
                TestCluster.await(
                    SignalingClient.connect(cluster.clientVertx(), "127.0.0.1", httpPort));
            TestCluster.await(client[0].login(name));
            return true;
          } catch (AssertionError notYet) {
            return false;
          }
        },
        Duration.ofSeconds(60),
        "the child node accepts a login");
    return client[0];
  }

  public int httpPort() {
    return httpPort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** SIGTERM: the node drains and exits. */
  public void terminate() throws IOException, InterruptedException {
    signal("TERM");
  }

  /**
   * Waits for the process to exit; its exit status, or empty when it is still running after {@code
   * timeout}.
   */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /** SIGKILL: the process dies at once, without leaving the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGKILL to each of {@code nodes} at once, before waiting for any of them to die. */
  public static void killTogether(ChildNode... nodes) throws InterruptedException {
    for (ChildNode node : nodes) {
      node.process.destroyForcibly();
    }
    for (ChildNode node : nodes) {
      node.process.waitFor();
    }
  }

  /** SIGSTOP: the process stops answering, but its sockets stay open, as on a frozen host. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    int exit =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
    if (exit != 0) {
      throw new IOException("kill -" + signal + " exited with " + exit);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
