package dev.signaling.node.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Just enough of a Kubernetes API server for Hazelcast's discovery in API mode: HTTPS with a
 * certificate of its own (its PEM is the CA the nodes are given), a bearer token, and one Service's
 * endpoints in one namespace, served both as EndpointSlices (what Hazelcast reads when the API has
 * them) and as the older Endpoints. Requests are allowed as the pods' Role in {@code
 * k8s/base/rbac-api-mode.yaml} allows them: anything else is refused 403 Forbidden, as the real API
 * server would, so the test shows whether that Role is enough. Every request is recorded.
 *
 * <p>fabric8's kubernetes-server-mock would serve the same, but brings Vert.x 4 with it, which
 * clashes with the node's Vert.x 5.
 */
final class StandInKubernetesApi implements AutoCloseable {
  /** One request as the server answered it. */
  record Request(String path, String query, int status) {}

  private final Vertx vertx = Vertx.vertx();
  private final String host;
  private final String namespace;
  private final String service;
  private final int clusterPort;
  private final String token = UUID.randomUUID().toString();
  private final Set<String> allowed;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Path caFile;
  private final Path tokenFile;
  private volatile List<String> addresses = List.of();
  private volatile int version = 1;
  private HttpServer server;

  private StandInKubernetesApi(
      String host,
      String namespace,
      String service,
      int clusterPort,
      Set<String> allowed,
      Path directory) {
    this.host = host;
    this.namespace = namespace;
    this.service = service;
    this.clusterPort = clusterPort;
    this.allowed = allowed;
    this.caFile = directory.resolve("ca.crt");
    this.tokenFile = directory.resolve("token");
  }

  /**
   * Starts the server on {@code host}, with a new self-signed certificate for that address and the
   * permissions of {@code role} (a Role's YAML, other documents in the file ignored).
   */
  static StandInKubernetesApi start(
      String host, String namespace, String service, int clusterPort, Path role, Path directory)
      throws IOException, InterruptedException {
    Files.createDirectories(directory);
    StandInKubernetesApi api =
        new StandInKubernetesApi(host, namespace, service, clusterPort, grants(role), directory);
    Path keyStore = directory.resolve("api.p12");
    Files.deleteIfExists(keyStore);
    keytool(
        "-genkeypair",
        "-alias",
        "api",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=stand-in-kubernetes-api",
        "-ext",
        "san=ip:" + host,
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        "stand-in");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "api",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        "stand-in",
        "-file",
        api.caFile.toString());
    Files.writeString(api.tokenFile, api.token + "\n");
    api.server =
        TestCluster.await(
            api.vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setHost(host)
                        .setPort(0)
                        .setSsl(true)
                        .setKeyCertOptions(
                            new PfxOptions().setPath(keyStore.toString()).setPassword("stand-in")))
                .requestHandler(api::handle)
                .listen());
    return api;
  }

  String url() {
    return "https://" + host + ":" + server.actualPort();
  }

  Path caFile() {
    return caFile;
  }

  Path tokenFile() {
    return tokenFile;
  }

  /** The Service's endpoints from now on, as the endpoints controller would publish them. */
  void publish(List<String> addresses) {
    this.addresses = List.copyOf(addresses);
    version++;
  }

  List<Request> requests(Predicate<Request> which) {
    return requests.stream().filter(which).toList();
  }

  /** Reads of the Service's endpoints, answered 200. */
  long endpointReads() {
    return requests.stream()
        .filter(r -> r.status() == 200 && r.path().contains("endpoint") && r.query() != null)
        .count();
  }

  private void handle(HttpServerRequest request) {
    int status;
    JsonObject body;
    String path = request.path();
    if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
      status = 401;
      body = status(401, "Unauthorized", "bad bearer token");
    } else if (!request.method().name().equals("GET") || !allowed(request)) {
      status = 403;
      body = status(403, "Forbidden", "the Role does not allow " + request.method() + " " + path);
    } else if (path.equals(
        "/apis/discovery.k8s.io/v1/namespaces/" + namespace + "/endpointslices")) {
      status = 200;
      body = endpointSlices(request.getParam("labelSelector"));
    } else if (path.equals("/api/v1/namespaces/" + namespace + "/endpoints/" + service)) {
      status = 200;
      body = endpoints();
    } else {
      status = 404;
      body = status(404, "NotFound", path + " not found");
    }
    requests.add(new Request(path, request.query(), status));
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  /**
   * Whether the Role lets the pods GET this path: {@code group/resource/verb} in {@link #allowed}.
   */
  private boolean allowed(HttpServerRequest request) {
    // /api/v1/namespaces/NS/RESOURCE[/NAME] or /apis/GROUP/VERSION/namespaces/NS/RESOURCE[/NAME].
    // Cluster-scoped paths (nodes) match neither: a Role cannot grant them.
    String[] parts = request.path().substring(1).split("/");
    int at = parts[0].equals("api") ? 2 : 3;
    String group = parts[0].equals("api") ? "" : parts.length > 1 ? parts[1] : "?";
    if (parts.length < at + 3
        || parts.length > at + 4
        || !parts[at].equals("namespaces")
        || !parts[at + 1].equals(namespace)) {
      return false;
    }
    String verb =
        parts.length == at + 4 ? "get" : "1".equals(request.getParam("watch")) ? "watch" : "list";
    return allowed.contains(group + "/" + parts[at + 2] + "/" + verb);
  }

  private JsonObject endpointSlices(String labelSelector) {
    JsonArray items = new JsonArray();
    if (labelSelector == null || labelSelector.equals("kubernetes.io/service-name=" + service)) {
      JsonArray endpoints = new JsonArray();
      for (String address : addresses) {
        endpoints.add(
            new JsonObject()
                .put("addresses", new JsonArray().add(address))
                .put("conditions", new JsonObject().put("ready", true).put("serving", true))
                .put("targetRef", pod(address))
                .put("nodeName", "worker"));
      }
      items.add(
          new JsonObject()
              .put(
                  "metadata",
                  new JsonObject()
                      .put("name", service + "-stand-in")
                      .put("namespace", namespace)
                      .put("labels", new JsonObject().put("kubernetes.io/service-name", service))
                      .put(
                          "ownerReferences",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put("apiVersion", "v1")
                                      .put("kind", "Service")
                                      .put("name", service))))
              .put("addressType", "IPv4")
              .put("endpoints", endpoints)
              .put("ports", ports()));
    }
    return new JsonObject()
        .put("kind", "EndpointSliceList")
        .put("apiVersion", "discovery.k8s.io/v1")
        .put("metadata", new JsonObject().put("resourceVersion", Integer.toString(version)))
        .put("items", items);
  }

  private JsonObject endpoints() {
    JsonArray ready = new JsonArray();
    for (String address : addresses) {
      ready.add(
          new JsonObject()
              .put("ip", address)
              .put("nodeName", "worker")
              .put("targetRef", pod(address)));
    }
    return new JsonObject()
        .put("kind", "Endpoints")
        .put("apiVersion", "v1")
        .put("metadata", new JsonObject().put("name", service).put("namespace", namespace))
        .put(
            "subsets",
            new JsonArray().add(new JsonObject().put("addresses", ready).put("ports", ports())));
  }

  private JsonObject pod(String address) {
    return new JsonObject()
        .put("kind", "Pod")
        .put("namespace", namespace)
        .put("name", "signaling-" + address.replace('.', '-'));
  }

  private JsonArray ports() {
    return new JsonArray()
        .add(
            new JsonObject()
                .put("name", "hazelcast")
                .put("port", clusterPort)
                .put("protocol", "TCP"));
  }

  /** A Kubernetes Status object, the body of the API server's errors. */
  private static JsonObject status(int code, String reason, String message) {
    return new JsonObject()
        .put("kind", "Status")
        .put("apiVersion", "v1")
        .put("status", "Failure")
        .put("message", message)
        .put("reason", reason)
        .put("code", code);
  }

  /** Every {@code group/resource/verb} that the Role in {@code file} grants. */
  private static Set<String> grants(Path file) throws IOException {
    Set<String> grants = new HashSet<>();
    try (MappingIterator<JsonNode> documents =
        new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
      for (JsonNode document : documents.readAll()) {
        if (!"Role".equals(document.path("kind").asText())) {
          continue;
        }
        for (JsonNode rule : document.path("rules")) {
          for (JsonNode group : rule.path("apiGroups")) {
            for (JsonNode resource : rule.path("resources")) {
              for (JsonNode verb : rule.path("verbs")) {
                grants.add(group.asText() + "/" + resource.asText() + "/" + verb.asText());
              }
            }
          }
        }
      }
    }
    if (grants.isEmpty()) {
      throw new IllegalStateException("no Role with rules in " + file);
    }
    return grants;
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  @Override
  public void close() {
    TestCluster.await(vertx.close());
  }
}
