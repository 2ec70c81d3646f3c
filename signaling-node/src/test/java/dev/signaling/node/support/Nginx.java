package dev.signaling.node.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx as a reverse proxy in front of nodes, started by a test with a configuration of
 * its own in a temporary directory (the machine's nginx configuration is never touched). It is
 * nginx as it comes: it speaks HTTP/1.0 to the nodes and passes no {@code Upgrade} header, so
 * WebSockets cannot pass; it balances every request round-robin, without sticky sessions; it
 * buffers responses, unless a response asks it not to ({@code X-Accel-Buffering: no}). A second
 * port buffers every response whatever it asks, as proxies that know no such header do.
 */
public final class Nginx implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/nginx");
  private static final Duration START = Duration.ofSeconds(15);

  private final Process process;
  private final Path directory;
  private final int port;
  private final int bufferingPort;

  private Nginx(Process process, Path directory, int port, int bufferingPort) {
    this.process = process;
    this.directory = directory;
    this.port = port;
    this.bufferingPort = bufferingPort;
  }

  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** nginx on 127.0.0.1 in front of the nodes listening on {@code nodePorts}. */
  public static Nginx start(List<Integer> nodePorts) throws IOException {
    Path directory = Files.createTempDirectory("nginx-");
    int port = freePort();
    int bufferingPort = freePort();
    String upstreams =
        nodePorts.stream()
            .map(node -> "    server 127.0.0.1:" + node + ";")
            .collect(Collectors.joining("\n"));
    String config =
        String.join(
            "\n",
            "daemon off;",
            "master_process off;",
            "worker_processes 1;",
            "pid " + directory.resolve("nginx.pid") + ";",
            "error_log " + directory.resolve("error.log") + " warn;",
            "events { worker_connections 512; }",
            "http {",
            "  log_format upstreams '$request_method $uri $upstream_addr $status';",
            "  access_log " + directory.resolve("access.log") + " upstreams;",
            "  client_body_temp_path " + directory.resolve("body") + ";",
            "  proxy_temp_path " + directory.resolve("proxy") + ";",
            "  fastcgi_temp_path " + directory.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + directory.resolve("uwsgi") + ";",
            "  scgi_temp_path " + directory.resolve("scgi") + ";",
            "  upstream nodes {",
            upstreams,
            "  }",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    location / { proxy_pass http://nodes; }",
            "  }",
            "  server {",
            "    listen 127.0.0.1:" + bufferingPort + ";",
            "    location / { proxy_pass http://nodes; proxy_ignore_headers X-Accel-Buffering; }",
            "  }",
            "}",
            "");
    Path file = directory.resolve("nginx.conf");
    Files.writeString(file, config);
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "-p",
                directory.toString(),
                "-c",
                file.toString(),
                "-e",
                directory.resolve("error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("nginx.out").toFile())
            .start();
    Nginx nginx = new Nginx(process, directory, port, bufferingPort);
    try {
      nginx.awaitListening(port);
      nginx.awaitListening(bufferingPort);
    } catch (IOException failed) {
      nginx.close();
      throw failed;
    }
    return nginx;
  }

  /** The port of the proxy with nginx's defaults. */
  public int port() {
    return port;
  }

  /** The port of the proxy that buffers every response. */
  public int bufferingPort() {
    return bufferingPort;
  }

  /**
   * The nodes ({@code 127.0.0.1:port}) that served the requests of each HTTP-transport session so
   * far, by session id, from nginx's access log.
   */
  public Map<String, Set<String>> nodesBySession() throws IOException {
    Map<String, Set<String>> nodes = new HashMap<>();
    for (String line : Files.readAllLines(directory.resolve("access.log"))) {
      String[] fields = line.split(" ");
      String[] path = fields[1].split("/");
      // /http/sessions/<id>/<what>
      if (path.length >= 4 && path[1].equals("http") && path[2].equals("sessions")) {
        nodes.computeIfAbsent(path[3], id -> new TreeSet<>()).add(fields[2]);
      }
    }
    return nodes;
  }

  private void awaitListening(int listening) throws IOException {
    long deadline = System.nanoTime() + START.toNanos();
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", listening), 200);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "nginx did not start: " + Files.readString(directory.resolve("nginx.out")));
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
