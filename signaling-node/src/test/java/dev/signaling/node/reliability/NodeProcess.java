package dev.signaling.node.reliability;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A signaling node in a JVM of its own, started from the packaged jar like {@code ChildNode}, but
 * on an HTTP port the test chooses (so that a restarted node comes back on the same address),
 * optionally inside a network namespace ({@code ip netns exec}), and with its client-facing address
 * given by the test.
 */
public final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final String host;
  private final int httpPort;
  private final Path log;

  private NodeProcess(String name, Process process, String host, int httpPort, Path log) {
    this.name = name;
    this.process = process;
    this.host = host;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts {@code java -jar signaling-node.jar} with {@code settings} as environment variables,
   * behind {@code prefix} (for example {@code ip netns exec NS}). Clients reach it at {@code
   * host:httpPort}.
   */
  public static NodeProcess start(
      String name, List<String> prefix, String host, int httpPort, Map<String, String> settings)
      throws IOException {
    String jar = System.getProperty("signaling.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException(
          "system property signaling.jar must name the packaged node jar; got " + jar);
    }
    Path log = Path.of("target", "child-nodes", name + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            // Assertions on, as in the tests' own JVM: a state touched off its event loop fails
            // loudly.
            "-ea:dev.signaling...",
            // A node that stops answering under load: its GC log says whether it was a pause.
            "-Xlog:gc:file=" + gcLog(log) + ":time,uptime"));
    // Extra JVM options for a diagnosis, for example another logback configuration:
    // -Dnode.jvm.options=-Dlogback.configurationFile=/path/to/logback.xml
    String extra = System.getProperty("node.jvm.options", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = new HashMap<>();
    env.put("VERTICLE_INSTANCES", "1");
    env.put("HTTP_HOST", host);
    env.putAll(settings);
    env.put("HTTP_PORT", Integer.toString(httpPort));
    // Without resume unless the test asks for it, as in TestCluster.
    builder.environment().put("RESUME_SECONDS", "0");
    builder.environment().putAll(env);
    return new NodeProcess(name, builder.start(), host, httpPort, log);
  }

  private static Path gcLog(Path log) {
    return log.resolveSibling(log.getFileName().toString().replace(".log", ".gc.log"));
  }

  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** GET {@code path}; the status code, or -1 when the node does not answer within two seconds. */
  public int status(String path) {
    return get(path).map(HttpResponse::statusCode).orElse(-1);
  }

  /** GET {@code path}; the response, or empty when the node does not answer within two seconds. */
  public Optional<HttpResponse<String>> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    try {
      return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException notAnswering) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /**
   * The members of its cluster as the node counts them (/health/live); -1 when it does not answer.
   */
  public int clusterMembers() {
    return get("/health/live")
        .map(live -> new JsonObject(live.body()).getInteger("clusterMembers", -1))
        .orElse(-1);
  }

  /** SIGTERM: the node drains and exits. */
  public void terminate() throws IOException, InterruptedException {
    signal("TERM");
  }

  /** SIGKILL. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGSTOP: the process stops answering, its sockets stay open. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
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
  public void close() {
    if (process.isAlive()) {
      try {
        // Continued first, so that a frozen process is not left stopped should the kill be delayed.
        thaw();
      } catch (IOException | InterruptedException ignored) {
        // It may have exited meanwhile; it is killed below anyway.
      }
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A TCP port free on the loopback now. */
  public static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /**
   * The first of {@code count} consecutive ports, all free on the loopback now, from a range away
   * from the Hazelcast default (5701) that the other tests' clusters use.
   */
  public static int freePortRange(int count) throws IOException {
    Random random = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + random.nextInt(20000);
      boolean free = true;
      for (int port = base; port < base + count && free; port++) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          probe.setReuseAddress(true);
        } catch (IOException busy) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + count + " consecutive free ports found");
  }
}
