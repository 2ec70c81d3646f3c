package dev.signaling.node.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.signaling.node.cluster.ClusterMetrics;
import dev.signaling.node.cluster.ClusterView;
import dev.signaling.node.config.ConfigException;
import dev.signaling.node.config.ConfigLoader;
import dev.signaling.node.config.Discovery;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.config.Setting;
import dev.signaling.node.metrics.Metrics;
import dev.signaling.node.presence.LocalPresence;
import dev.signaling.node.presence.ResumeLimits;
import dev.signaling.node.rooms.LocalRoomRegistry;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.session.ReassertionMetrics;
import dev.signaling.node.session.SessionMetrics;
import dev.signaling.node.transport.ManagementRoutes;
import dev.signaling.node.transport.OpenConnections;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests in {@code k8s/}: each overlay as {@code kubectl kustomize} renders it,
 * parsed strictly against the Kubernetes API model (a misspelt or misplaced field fails), then
 * checked against the node it deploys: ports, probe paths, environment variables, discovery, drain
 * timing, metric names.
 *
 * <p>Needs kubectl (1.21 or later, for its built-in kustomize); without it the overlay tests are
 * skipped, except under CI, where they fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {
  /** Deployment variables that are not node settings: an input to other variables, JVM flags. */
  private static final Set<String> NOT_SETTINGS = Set.of("POD_NAMESPACE", "JAVA_TOOL_OPTIONS");

  /**
   * What the kubelet would put in the Downward API variables, to evaluate the environment as the
   * node would.
   */
  private static final Map<String, String> DOWNWARD_API =
      Map.of(
          "metadata.namespace", "signaling-test",
          "status.podIP", "10.1.2.3");

  private static final String ZONE = "topology.kubernetes.io/zone";
  private static final String HOSTNAME = "kubernetes.io/hostname";
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern SIGNALING_METRIC = Pattern.compile("\\bsignaling_[a-zA-Z0-9_:]+");
  private static final Pattern CLUSTER_WIDE_GAUGE =
      Pattern.compile("clusterWideGauge\\(\\s*vertx,\\s*\"([a-z_]+)\"");
  private static final List<String> SERIES_SUFFIXES =
      List.of("_bucket", "_count", "_sum", "_max", "_total");

  /**
   * Reads YAML as the API server reads JSON: a duplicate key, a quoted number for a number field or
   * a bare number for a string field is an error, not something to coerce.
   */
  private static final ObjectMapper YAML = strict(YAMLMapper.builder());

  private static final ObjectMapper JSON = strict(JsonMapper.builder());

  private final Path repoRoot = repoRoot();
  private final Map<String, List<HasMetadata>> rendered = new HashMap<>();

  // ---- every overlay: strict parse and the node's view of it ----

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyObjectIsAKnownKubernetesTypeWithOnlyKnownFields(String overlay) {
    List<HasMetadata> objects = overlay(overlay);

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains("Deployment", "Service", "ServiceAccount", "NetworkPolicy");
    // The API mode's RBAC is opt-in: it is not part of any overlay.
    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Role", "RoleBinding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theEnvironmentIsOneTheNodeAcceptsAndItClustersThroughTheHeadlessService(String overlay) {
    Deployment deployment = single(overlay, Deployment.class);
    Map<String, EnvVar> env = env(container(deployment));

    assertThat(env.keySet())
        .as("variables of the Deployment that the node does not read")
        .allMatch(name -> NOT_SETTINGS.contains(name) || isSetting(name));
    assertThat(env.get(Setting.CLUSTER_DISCOVERY.env()))
        .extracting(EnvVar::getValue)
        .isEqualTo("kubernetes");
    assertThat(fieldRef(env.get(Setting.CLUSTER_HOST.env())))
        .as("CLUSTER_HOST must be the pod's IP: other pods cannot reach 127.0.0.1")
        .isEqualTo("status.podIP");
    assertThat(fieldRef(env.get("POD_NAMESPACE"))).isEqualTo("metadata.namespace");

    NodeConfig config = nodeConfig(env);
    Service headless = headlessService(overlay);
    assertThat(config.discovery()).isEqualTo(Discovery.KUBERNETES);
    assertThat(config.kubernetes().serviceDns())
        .as("CLUSTER_SERVICE_DNS: the headless Service in the pod's namespace")
        .isEqualTo(
            headless.getMetadata().getName()
                + "."
                + DOWNWARD_API.get("metadata.namespace")
                + ".svc.cluster.local");
    assertThat(config.clusterHost()).isEqualTo(DOWNWARD_API.get("status.podIP"));
    assertThat(config.httpHost())
        .as("HTTP_HOST: reachable from outside the pod")
        .isEqualTo("0.0.0.0");
    assertThat(config.jsonLogs()).as("LOG_FORMAT=json for the cluster's log collector").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void portsAreTheNodesPorts(String overlay) {
    Deployment deployment = single(overlay, Deployment.class);
    Container container = container(deployment);
    Map<String, EnvVar> env = env(container);
    NodeConfig config = nodeConfig(env);

    int http = containerPort(container, "http");
    int hazelcast = containerPort(container, "hazelcast");
    assertThat(http).as("container port http: the node's HTTP_PORT").isEqualTo(config.httpPort());
    assertThat(hazelcast)
        .as("container port hazelcast: the node's CLUSTER_PORT")
        .isEqualTo(config.clusterPort());
    assertThat(containerPort(container, "eventbus"))
        .as("container port eventbus: the node's CLUSTER_EVENT_BUS_PORT")
        .isEqualTo(config.eventBusPort());
    if (!env.containsKey(Setting.HTTP_PORT.env())) {
      assertThat(http).isEqualTo(Integer.parseInt(Setting.HTTP_PORT.defaultValue()));
    }
    if (!env.containsKey(Setting.CLUSTER_PORT.env())) {
      assertThat(hazelcast).isEqualTo(Integer.parseInt(Setting.CLUSTER_PORT.defaultValue()));
    }

    Service headless = headlessService(overlay);
    assertThat(headless.getSpec().getPublishNotReadyAddresses())
        .as("pods must find each other before they are ready")
        .isTrue();
    assertThat(headless.getSpec().getSelector()).isNotEmpty();
    assertThat(podLabels(deployment)).containsAllEntriesOf(headless.getSpec().getSelector());
    assertThat(headless.getSpec().getPorts()).hasSize(1);
    ServicePort hazelcastPort = headless.getSpec().getPorts().get(0);
    assertThat(resolve(container, hazelcastPort.getTargetPort()))
        .as("headless Service's targetPort")
        .isEqualTo(hazelcast);
    assertThat(hazelcastPort.getPort())
        .as("headless Service's port: what the discovery connects to")
        .isEqualTo(config.clusterPort());

    Service client = service(overlay, "signaling");
    assertThat(client.getSpec().getClusterIP()).isNotEqualTo("None");
    assertThat(podLabels(deployment)).containsAllEntriesOf(client.getSpec().getSelector());
    assertThat(client.getSpec().getPorts())
        .filteredOn(port -> "http".equals(port.getName()))
        .singleElement()
        .satisfies(port -> assertThat(resolve(container, port.getTargetPort())).isEqualTo(http));
    assertThat(client.getSpec().getSessionAffinity())
        .as("any pod can take any client")
        .isIn(null, "None");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void probesAndScrapingUseTheNodesPaths(String overlay) {
    Deployment deployment = single(overlay, Deployment.class);
    Container container = container(deployment);
    NodeConfig config = nodeConfig(env(container));
    int managementPort = config.managementPort() == 0 ? config.httpPort() : config.managementPort();

    assertProbe(
        container,
        container.getLivenessProbe(),
        "livenessProbe",
        ManagementRoutes.LIVE,
        managementPort);
    assertProbe(
        container,
        container.getStartupProbe(),
        "startupProbe",
        ManagementRoutes.LIVE,
        managementPort);
    assertProbe(
        container,
        container.getReadinessProbe(),
        "readinessProbe",
        ManagementRoutes.READY,
        managementPort);

    Map<String, String> annotations =
        deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", Integer.toString(managementPort))
        .containsEntry("prometheus.io/path", ManagementRoutes.METRICS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void thePodOutlivesItsDrain(String overlay) {
    Deployment deployment = single(overlay, Deployment.class);
    Container container = container(deployment);
    NodeConfig config = nodeConfig(env(container));
    long preStop =
        preStopSleepSeconds(
            container.getLifecycle() == null ? null : container.getLifecycle().getPreStop());
    // Main exits at the latest DELIVERY_TIMEOUT_MS + 10 s after the drain window; a preStop hook
    // delays SIGTERM by its own length.
    long answers = (config.deliveryTimeout().toMillis() + 999) / 1000;
    long needed = preStop + config.drainWindow().toSeconds() + answers + 10;

    assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .as(
            "terminationGracePeriodSeconds >= preStop (%d s) + DRAIN_SECONDS (%d s)"
                + " + DELIVERY_TIMEOUT_MS (%d s) + 10 s",
            preStop, config.drainWindow().toSeconds(), answers)
        .isNotNull()
        .isGreaterThanOrEqualTo(needed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void thePodRunsLockedDownWithAWritableTmp(String overlay) {
    Deployment deployment = single(overlay, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = container(deployment);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // Vert.x's file cache (-Dvertx.cacheDirBase=/tmp/vertx-cache in the Dockerfile) and the JVM's
    // temp files.
    VolumeMount tmp =
        container.getVolumeMounts().stream()
            .filter(mount -> "/tmp".equals(mount.getMountPath()))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no volume at /tmp under a read-only root filesystem"));
    assertThat(pod.getVolumes())
        .filteredOn(volume -> volume.getName().equals(tmp.getName()))
        .singleElement()
        .extracting(Volume::getEmptyDir)
        .isNotNull();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void onlyHttpIsOpenToEveryoneAndOnlyThePodsReachTheClusterPorts(String overlay) {
    Deployment deployment = single(overlay, Deployment.class);
    Container container = container(deployment);
    Map<String, String> podLabels = podLabels(deployment);
    int http = containerPort(container, "http");
    NetworkPolicy policy = single(overlay, NetworkPolicy.class);

    assertThat(matches(policy.getSpec().getPodSelector(), podLabels))
        .as("the policy selects the pods")
        .isTrue();
    assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
    List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
    List<NetworkPolicyIngressRule> fromAnywhere =
        rules.stream().filter(rule -> isEmpty(rule.getFrom())).toList();
    assertThat(fromAnywhere).as("a rule open to every source").isNotEmpty();
    for (NetworkPolicyIngressRule rule : fromAnywhere) {
      assertThat(rule.getPorts())
          .as("ports open to every source: only HTTP")
          .isNotEmpty()
          .allSatisfy(
              port -> {
                assertThat(port.getProtocol()).isIn(null, "TCP");
                assertThat(resolve(container, port.getPort())).isEqualTo(http);
                assertThat(port.getEndPort()).isNull();
              });
    }
    // Hazelcast and the event bus, on the ports the node binds with this Deployment's settings.
    int hazelcast = containerPort(container, "hazelcast");
    int eventBus = containerPort(container, "eventbus");
    assertThat(eventBus).as("the event bus has a fixed port").isNotZero();
    assertThat(rules)
        .as("a rule letting only the signaling pods reach Hazelcast and the event bus")
        .anySatisfy(
            rule -> {
              assertThat(rule.getFrom())
                  .isNotEmpty()
                  .allSatisfy(
                      peer -> {
                        assertThat(peer.getIpBlock()).isNull();
                        assertThat(peer.getNamespaceSelector()).isNull();
                        assertThat(matches(peer.getPodSelector(), podLabels)).isTrue();
                      });
              assertThat(rule.getPorts())
                  .extracting(port -> resolve(container, port.getPort()))
                  .containsExactlyInAnyOrder(hazelcast, eventBus);
            });
  }

  // ---- the production overlay ----

  @Test
  void productionRunsAtLeastThreeSpreadOutAutoscaledAndDisruptedOneAtATime() {
    Deployment deployment = single("prod", Deployment.class);
    Map<String, String> podLabels = podLabels(deployment);

    assertThat(deployment.getSpec().getReplicas())
        .as("production replicas")
        .isGreaterThanOrEqualTo(3);

    HorizontalPodAutoscaler hpa = single("prod", HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());

    PodDisruptionBudget pdb = single("prod", PodDisruptionBudget.class);
    assertThat(matches(pdb.getSpec().getSelector(), podLabels))
        .as("the PDB selects the pods")
        .isTrue();
    assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));

    List<TopologySpreadConstraint> spread =
        deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
    assertThat(spread)
        .extracting(TopologySpreadConstraint::getTopologyKey)
        .contains(ZONE, HOSTNAME);
    assertThat(spread)
        .allSatisfy(
            constraint ->
                assertThat(matches(constraint.getLabelSelector(), podLabels))
                    .as("spread counts the signaling pods")
                    .isTrue());

    Ingress ingress = single("prod", Ingress.class);
    Service client = service("prod", "signaling");
    List<IngressBackend> backends =
        ingress.getSpec().getRules().stream()
            .flatMap(rule -> rule.getHttp().getPaths().stream())
            .map(path -> path.getBackend())
            .toList();
    assertThat(backends)
        .isNotEmpty()
        .allSatisfy(
            backend -> {
              assertThat(backend.getService().getName()).isEqualTo(client.getMetadata().getName());
              assertThat(client.getSpec().getPorts())
                  .anySatisfy(
                      port ->
                          assertThat(
                                  Objects.equals(
                                          port.getName(), backend.getService().getPort().getName())
                                      || Objects.equals(
                                          port.getPort(),
                                          backend.getService().getPort().getNumber()))
                              .isTrue());
            });
    assertThat(ingress.getMetadata().getAnnotations())
        .containsKeys(
            "nginx.ingress.kubernetes.io/proxy-read-timeout",
            "nginx.ingress.kubernetes.io/proxy-send-timeout")
        .doesNotContainKey("nginx.ingress.kubernetes.io/affinity");
  }

  // ---- outside the overlays ----

  @Test
  void theApiModeRbacGrantsReadingEndpointsToThePodsServiceAccount() throws IOException {
    List<HasMetadata> objects =
        parseStrictly(
            Files.readString(repoRoot.resolve("k8s/base/rbac-api-mode.yaml")),
            "k8s/base/rbac-api-mode.yaml");
    ServiceAccount account =
        parseStrictly(
                Files.readString(repoRoot.resolve("k8s/base/serviceaccount.yaml")),
                "k8s/base/serviceaccount.yaml")
            .stream()
            .map(ServiceAccount.class::cast)
            .findFirst()
            .orElseThrow();
    Role role = only(objects, Role.class);
    RoleBinding binding = only(objects, RoleBinding.class);

    for (String resource : List.of("endpoints", "pods", "services")) {
      assertThat(role.getRules())
          .as("get and list %s", resource)
          .anySatisfy(
              rule -> {
                assertThat(rule.getApiGroups()).contains("");
                assertThat(rule.getResources()).contains(resource);
                assertThat(rule.getVerbs()).contains("get", "list");
              });
    }
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getVerbs)
        .as("read-only")
        .allMatch(verb -> Set.of("get", "list", "watch").contains(verb));
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getKind()).isEqualTo("ServiceAccount");
              assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
            });
  }

  @Test
  void theDashboardUsesOnlyMetricsTheNodeExports() throws Exception {
    JsonNode dashboard =
        JSON.readTree(repoRoot.resolve("k8s/grafana/signaling-dashboard.json").toFile());
    List<String> expressions = new ArrayList<>();
    collectQueries(dashboard, expressions);
    Set<String> used = new TreeSet<>();
    for (String expression : expressions) {
      Matcher metric = SIGNALING_METRIC.matcher(expression);
      while (metric.find()) {
        used.add(metric.group());
      }
    }
    Set<String> exported = exportedSignalingSeries();

    assertThat(expressions).as("the dashboard's queries").isNotEmpty();
    assertThat(used)
        .as("signaling_ metrics in the dashboard")
        .contains("signaling_sessions", "signaling_relay_latency_seconds_bucket");
    List<String> unknown =
        used.stream()
            .filter(name -> !exported.contains(name))
            .map(name -> name + suggestion(name, exported))
            .toList();
    assertThat(unknown)
        .as("metrics in the dashboard that the node does not export (it exports %s)", exported)
        .isEmpty();
    assertThat(dashboard.at("/templating/list").findValuesAsText("type")).contains("datasource");
  }

  @Test
  void theStrictParseRefusesMisspeltAndMisplacedFields() {
    String typo =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: signaling
        spec:
          replica: 3
          selector:
            matchLabels:
              app: x
          template:
            metadata:
              labels:
                app: x
            spec:
              containers:
                - name: c
                  image: i
                  ports:
                    - containerPort: 8080
                      nmae: http
        """;
    assertThatStrictParseFails(
        typo, "spec: [replica]", "spec.template.spec.containers[0].ports[0]: [nmae]");
    // The API server refuses what Jackson would otherwise coerce: a bare number for a string, a
    // quoted one for a number.
    assertThatStrictParseFails(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: signaling
          annotations:
            prometheus.io/port: 8080
        """,
        "does not fit the Kubernetes model",
        "Integer value (8080)");
    assertThatStrictParseFails(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: signaling
        spec:
          ports:
            - port: "80"
        """,
        "does not fit the Kubernetes model",
        "String value (\"80\")");
    assertThatStrictParseFails(
        """
        apiVersion: apps/v2
        kind: Deployment
        metadata:
          name: signaling
        """,
        "not a type of the Kubernetes API");
  }

  // ---- rendering and strict parsing ----

  private static ObjectMapper strict(MapperBuilder<?, ?> builder) {
    return builder
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .withCoercionConfig(
            LogicalType.Textual,
            strings ->
                strings
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
  }

  private List<HasMetadata> overlay(String name) {
    return rendered.computeIfAbsent(
        name,
        overlay -> {
          Path directory = repoRoot.resolve("k8s/overlays").resolve(overlay);
          assertThat(directory.resolve("kustomization.yaml")).exists();
          String yaml = kustomize(kubectl(), directory);
          return parseStrictly(yaml, "kubectl kustomize k8s/overlays/" + overlay);
        });
  }

  /**
   * Every document of {@code yaml} as its Kubernetes type, failing on any field that type does not
   * have.
   */
  private static List<HasMetadata> parseStrictly(String yaml, String source) {
    List<JsonNode> documents;
    try {
      documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
    } catch (IOException unreadable) {
      throw new AssertionError(source + ": not YAML", unreadable);
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode document : documents) {
      if (document == null || document.isNull() || document.isEmpty()) {
        continue;
      }
      String where =
          source
              + ": "
              + document.path("kind").asText()
              + " "
              + document.at("/metadata/name").asText();
      HasMetadata object = parseStrictly(document, where);
      objects.add(object);
    }
    assertThat(objects).as(source + ": objects").isNotEmpty();
    return objects;
  }

  private static HasMetadata parseStrictly(JsonNode document, String where) {
    KubernetesResource resource;
    try {
      resource = YAML.treeToValue(document, KubernetesResource.class);
    } catch (IOException wrongType) {
      throw new AssertionError(
          where + ": does not fit the Kubernetes model: " + wrongType.getMessage(), wrongType);
    }
    if (!(resource instanceof HasMetadata object)
        || resource instanceof GenericKubernetesResource) {
      throw new AssertionError(
          where
              + ": apiVersion "
              + document.path("apiVersion").asText()
              + " kind "
              + document.path("kind").asText()
              + " is not a type of the Kubernetes API");
    }
    List<String> unknown = new ArrayList<>();
    collectUnknownFields(object, "", unknown, 0);
    assertThat(unknown)
        .as(where + ": fields unknown to the Kubernetes API (path: names)")
        .isEmpty();
    return object;
  }

  /**
   * The fabric8 model keeps every field it has no property for in {@code additionalProperties}
   * instead of refusing it; walks the whole object and lists each non-empty one with its path.
   */
  private static void collectUnknownFields(
      Object value, String path, List<String> unknown, int depth) {
    if (value == null) {
      return;
    }
    if (depth > 64) {
      throw new AssertionError("model nested deeper than expected at " + path);
    }
    if (value instanceof Collection<?> elements) {
      int index = 0;
      for (Object element : elements) {
        collectUnknownFields(element, path + "[" + index++ + "]", unknown, depth + 1);
      }
      return;
    }
    if (value instanceof Map<?, ?> entries) {
      entries.forEach(
          (key, element) -> collectUnknownFields(element, path + "." + key, unknown, depth + 1));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      String name = getter.getName();
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class
          || !name.startsWith("get")) {
        continue;
      }
      Object child = invoke(getter, value);
      if (name.equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add((path.isEmpty() ? "(top level)" : path.substring(1)) + ": " + extra.keySet());
        }
      } else {
        collectUnknownFields(
            child,
            path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4),
            unknown,
            depth + 1);
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError("cannot read " + getter, e);
    }
  }

  private static void assertThatStrictParseFails(String yaml, String... messages) {
    try {
      parseStrictly(yaml, "sample");
    } catch (AssertionError refused) {
      assertThat(refused.getMessage()).contains(messages);
      return;
    }
    fail("the strict parse accepted %s", yaml);
  }

  private String kustomize(String kubectl, Path directory) {
    try {
      File errors = File.createTempFile("kustomize", ".err");
      errors.deleteOnExit();
      Process process =
          new ProcessBuilder(kubectl, "kustomize", directory.toString())
              .redirectError(errors)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      String yaml;
      try (InputStream out = process.getInputStream()) {
        yaml = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("kubectl kustomize %s took over 2 minutes", directory);
      }
      String stderr = Files.readString(errors.toPath());
      if (process.exitValue() != 0) {
        fail(
            "kubectl kustomize %s failed (exit %d; kubectl 1.21 or later is needed):%n%s",
            directory, process.exitValue(), stderr);
      }
      assertThat(stderr)
          .as("kubectl kustomize %s warned", directory)
          .doesNotContainIgnoringCase("warning");
      return yaml;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + kubectl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** kubectl from PATH (or /usr/bin); missing: fails under CI, otherwise skips the test. */
  private static String kubectl() {
    Stream<Path> candidates =
        Stream.concat(
            Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, "kubectl")),
            Stream.of(Path.of("/usr/bin/kubectl")));
    return candidates
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseGet(
            () -> {
              String message =
                  "kubectl is not installed: the Kubernetes manifests cannot be rendered";
              if ("true".equals(System.getenv("CI"))) {
                fail(message + " (CI=true: .ci/run installs it)");
              }
              Assumptions.abort(message);
              return null;
            });
  }

  /** The repository root: the parent of this module's directory, where surefire runs. */
  private static Path repoRoot() {
    Path root = Path.of("").toAbsolutePath().getParent();
    if (root == null
        || !Files.isDirectory(root.resolve("k8s"))
        || !Files.isRegularFile(root.resolve("pom.xml"))) {
      throw new IllegalStateException(
          "run from the signaling-node module: no k8s/ beside it in " + root);
    }
    return root;
  }

  // ---- the rendered objects ----

  private <T extends HasMetadata> T single(String overlay, Class<T> type) {
    return only(overlay(overlay), type);
  }

  private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as("objects of kind %s", type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  private Service service(String overlay, String name) {
    return overlay(overlay).stream()
        .filter(Service.class::isInstance)
        .map(Service.class::cast)
        .filter(service -> service.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Service " + name + " in " + overlay));
  }

  private Service headlessService(String overlay) {
    List<Service> headless =
        overlay(overlay).stream()
            .filter(Service.class::isInstance)
            .map(Service.class::cast)
            .filter(service -> "None".equals(service.getSpec().getClusterIP()))
            .toList();
    assertThat(headless).as("headless Services").hasSize(1);
    return headless.get(0);
  }

  private static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> podLabels(Deployment deployment) {
    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(matches(deployment.getSpec().getSelector(), labels))
        .as("the Deployment selects its pods")
        .isTrue();
    return labels;
  }

  private static Map<String, EnvVar> env(Container container) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      assertThat(env.put(variable.getName(), variable))
          .as("variable %s set twice", variable.getName())
          .isNull();
    }
    return env;
  }

  private static boolean isSetting(String name) {
    return Arrays.stream(Setting.values()).anyMatch(setting -> setting.env().equals(name));
  }

  private static String fieldRef(EnvVar variable) {
    assertThat(variable).isNotNull();
    assertThat(variable.getValueFrom())
        .as("%s from the Downward API", variable.getName())
        .isNotNull();
    return variable.getValueFrom().getFieldRef().getFieldPath();
  }

  /**
   * The node's configuration from the Deployment's environment, evaluated as the kubelet does:
   * Downward API values filled in, and {@code $(NAME)} expanded only for variables defined earlier
   * in the list.
   */
  private static NodeConfig nodeConfig(Map<String, EnvVar> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (EnvVar variable : env.values()) {
      String value;
      if (variable.getValueFrom() != null) {
        String field =
            variable.getValueFrom().getFieldRef() == null
                ? null
                : variable.getValueFrom().getFieldRef().getFieldPath();
        assertThat(DOWNWARD_API)
            .as("a value for %s in this test", variable.getName())
            .containsKey(field);
        value = DOWNWARD_API.get(field);
      } else {
        Matcher reference =
            ENV_REFERENCE.matcher(Objects.requireNonNullElse(variable.getValue(), ""));
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
          String referenced = values.get(reference.group(1));
          reference.appendReplacement(
              expanded,
              Matcher.quoteReplacement(referenced != null ? referenced : reference.group()));
        }
        reference.appendTail(expanded);
        value = expanded.toString();
        assertThat(value)
            .as("%s refers to a variable not defined before it", variable.getName())
            .doesNotContain("$(");
      }
      values.put(variable.getName(), value);
    }
    try {
      return ConfigLoader.load(values, new String[0]);
    } catch (ConfigException refused) {
      throw new AssertionError(
          "the node refuses the Deployment's environment " + values + ": " + refused.getMessage(),
          refused);
    }
  }

  private static int containerPort(Container container, String name) {
    return container.getPorts().stream()
        .filter(port -> name.equals(port.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  /** A port given by number or by the name of a container port. */
  private static int resolve(Container container, IntOrString port) {
    assertThat(port).as("port").isNotNull();
    return port.getIntVal() != null ? port.getIntVal() : containerPort(container, port.getStrVal());
  }

  private static void assertProbe(
      Container container, Probe probe, String which, String path, int port) {
    assertThat(probe).as(which).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).as(which + " over HTTP").isNotNull();
    assertThat(get.getPath()).as(which + " path").isEqualTo(path);
    assertThat(resolve(container, get.getPort())).as(which + " port").isEqualTo(port);
  }

  private static long preStopSleepSeconds(LifecycleHandler preStop) {
    if (preStop == null) {
      return 0;
    }
    if (preStop.getSleep() != null) {
      return preStop.getSleep().getSeconds();
    }
    if (preStop.getExec() != null) {
      List<String> command = preStop.getExec().getCommand();
      assertThat(command)
          .as("a preStop exec hook this test can time: [sleep, N]")
          .hasSize(2)
          .startsWith("sleep");
      return Long.parseLong(command.get(1));
    }
    return 0;
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    assertThat(selector.getMatchExpressions()).as("selectors by matchLabels only").isNullOrEmpty();
    return selector.getMatchLabels() != null
        && !selector.getMatchLabels().isEmpty()
        && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  private static boolean isEmpty(List<NetworkPolicyPeer> from) {
    return from == null || from.isEmpty();
  }

  // ---- the metrics the node exports ----

  /**
   * The series names of every {@code signaling_} meter, from the node's own meter classes on a
   * registry like the node's, without starting a node. The cluster-wide gauges are named where
   * NodeUpkeep wires them, so their names are read from its source.
   */
  private Set<String> exportedSignalingSeries() throws Exception {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    new RelayMetrics(registry);
    new SessionMetrics(registry, new LocalSessions());
    new OpenConnections(registry);
    new ReassertionMetrics(registry);
    ClusterMetrics cluster = new ClusterMetrics(registry, clusterOfOne());
    // One reaped counter per kind of entry, as NodeUpkeep tracks them.
    cluster.track(new LocalPresence(new ResumeLimits(1, 1)));
    cluster.track(new LocalRoomRegistry());

    String wiring =
        Files.readString(
            repoRoot.resolve("signaling-node/src/main/java/dev/signaling/node/NodeUpkeep.java"));
    List<String> gauges =
        CLUSTER_WIDE_GAUGE.matcher(wiring).results().map(result -> result.group(1)).toList();
    assertThat(gauges).as("cluster-wide gauges wired in NodeUpkeep").isNotEmpty();
    Vertx vertx = Vertx.vertx();
    try {
      for (String gauge : gauges) {
        cluster.clusterWideGauge(
            vertx, gauge, gauge, () -> Future.succeededFuture(0), Duration.ofHours(1));
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }

    return registry
        .scrape()
        .lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0])
        .filter(name -> name.startsWith(Metrics.PREFIX))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** For a name the node does not export, the exported series of the same meter, if any. */
  private static String suggestion(String name, Set<String> exported) {
    String meter = stripSeriesSuffix(name);
    List<String> sameMeter =
        exported.stream().filter(series -> stripSeriesSuffix(series).equals(meter)).toList();
    return sameMeter.isEmpty() ? "" : " (the node exports " + sameMeter + ")";
  }

  private static String stripSeriesSuffix(String series) {
    for (String suffix : SERIES_SUFFIXES) {
      if (series.endsWith(suffix)) {
        return series.substring(0, series.length() - suffix.length());
      }
    }
    return series;
  }

  /** Every PromQL text of the dashboard: panel targets and template variable queries. */
  private static void collectQueries(JsonNode node, List<String> queries) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getValue().isTextual()
                    && Set.of("expr", "query", "definition").contains(field.getKey())) {
                  queries.add(field.getValue().asText());
                } else {
                  collectQueries(field.getValue(), queries);
                }
              });
    } else if (node.isArray()) {
      node.forEach(element -> collectQueries(element, queries));
    }
  }

  /**
   * A cluster of one, enough for the membership gauge to exist; a proxy, so that the interface can
   * grow without this test noticing.
   */
  private static ClusterView clusterOfOne() {
    return (ClusterView)
        Proxy.newProxyInstance(
            ClusterView.class.getClassLoader(),
            new Class<?>[] {ClusterView.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "nodeId" -> "test";
                  case "members" -> Set.of("test");
                  case "toString" -> "cluster of one";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
