package dev.signaling.node.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link NodeConfig} from environment variables and CLI flags. A flag wins over the
 * variable of the same name; both are listed by {@link Setting}.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static NodeConfig load(Map<String, String> env, String[] args) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      String fromEnv = env.get(setting.env());
      values.put(
          setting, fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : setting.defaultValue());
    }
    applyFlags(args, values);
    return build(values);
  }

  /** The text {@code --help} prints. */
  public static String usage() {
    StringBuilder text =
        new StringBuilder("Usage: java -jar signaling-node.jar [--flag=value ...]\n\n");
    for (Setting setting : Setting.values()) {
      text.append(
          String.format(
              "  %-36s %-34s %s (default: %s)%n",
              setting.flag(),
              "env " + setting.env(),
              setting.description(),
              setting.defaultValue().isEmpty() ? "see text" : setting.defaultValue()));
    }
    return text.toString();
  }

  private static void applyFlags(String[] args, Map<Setting, String> values) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String value;
      int equals = arg.indexOf('=');
      if (equals > 0) {
        flag = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new ConfigException(arg + " needs a value");
      }
      values.put(settingForFlag(flag), value.trim());
    }
  }

  private static Setting settingForFlag(String flag) {
    return Arrays.stream(Setting.values())
        .filter(setting -> setting.flag().equals(flag))
        .findFirst()
        .orElseThrow(() -> new ConfigException("unknown option " + flag + "\n\n" + usage()));
  }

  private static NodeConfig build(Map<Setting, String> values) {
    int eventLoops =
        values.get(Setting.EVENT_LOOPS).isEmpty()
            ? Runtime.getRuntime().availableProcessors()
            : positive(values, Setting.EVENT_LOOPS);
    int instances =
        values.get(Setting.VERTICLE_INSTANCES).isEmpty()
            ? eventLoops
            : positive(values, Setting.VERTICLE_INSTANCES);
    Discovery discovery = Discovery.parse(values.get(Setting.CLUSTER_DISCOVERY));
    return new NodeConfig(
        values.get(Setting.HTTP_HOST),
        port(values, Setting.HTTP_PORT, true),
        values.get(Setting.CLUSTER_HOST),
        port(values, Setting.CLUSTER_PORT, false),
        port(values, Setting.CLUSTER_EVENT_BUS_PORT, true),
        members(values.get(Setting.CLUSTER_MEMBERS)),
        nonEmpty(values, Setting.CLUSTER_NAME),
        discovery,
        kubernetes(discovery, values),
        members(values.get(Setting.STUN_URLS)),
        members(values.get(Setting.TURN_URLS)),
        values.get(Setting.TURN_SECRET),
        Duration.ofSeconds(positive(values, Setting.TURN_TTL_SECONDS)),
        Duration.ofSeconds(positive(values, Setting.DRAIN_SECONDS)),
        values.get(Setting.MANAGEMENT_PORT).isEmpty()
            ? 0
            : port(values, Setting.MANAGEMENT_PORT, false),
        logFormatIsJson(values.get(Setting.LOG_FORMAT)),
        logLevel(values.get(Setting.LOG_LEVEL)),
        new Security(
            values.get(Setting.JWT_HS256_SECRET),
            values.get(Setting.JWT_PUBLIC_KEY_FILE),
            values.get(Setting.JWKS_FILE),
            values.get(Setting.JWT_ISSUER),
            values.get(Setting.JWT_AUDIENCE),
            bool(values, Setting.ALLOW_ANONYMOUS),
            members(values.get(Setting.ALLOWED_ORIGINS))),
        new Limits(
            positive(values, Setting.MAX_MESSAGE_BYTES),
            positive(values, Setting.RATE_LIMIT_PER_SECOND),
            positive(values, Setting.RATE_LIMIT_BURST),
            positive(values, Setting.MAX_CONNECTIONS_PER_IP),
            Duration.ofSeconds(positive(values, Setting.PING_INTERVAL_SECONDS)),
            positive(values, Setting.MAX_QUEUED_BYTES)),
        eventLoops,
        instances,
        Duration.ofSeconds(positive(values, Setting.LOGIN_TIMEOUT_SECONDS)),
        Duration.ofMillis(positive(values, Setting.DELIVERY_TIMEOUT_MS)),
        Duration.ofMillis(notNegative(values, Setting.CONFIRM_BATCH_MS)),
        positive(values, Setting.MAX_ROOMS_PER_USER),
        positive(values, Setting.MAX_ROOM_MEMBERS),
        Duration.ofSeconds(positive(values, Setting.PRESENCE_RECONCILE_SECONDS)),
        Duration.ofSeconds(positive(values, Setting.PRESENCE_REASSERT_SECONDS)),
        Duration.ofSeconds(positive(values, Setting.CLUSTER_HEARTBEAT_SECONDS)),
        Duration.ofSeconds(positive(values, Setting.CLUSTER_MAX_NO_HEARTBEAT_SECONDS)),
        new Resume(
            Duration.ofSeconds(notNegative(values, Setting.RESUME_SECONDS)),
            positive(values, Setting.RESUME_BUFFER_MESSAGES),
            positive(values, Setting.RESUME_BUFFER_BYTES)),
        new PeerJs(
            bool(values, Setting.PEERJS_ENABLED),
            nonEmpty(values, Setting.PEERJS_KEY),
            Duration.ofMillis(positive(values, Setting.PEERJS_EXPIRE_TIMEOUT_MS)),
            Duration.ofMillis(positive(values, Setting.PEERJS_ALIVE_TIMEOUT_MS)),
            bool(values, Setting.PEERJS_DISCOVERY),
            positive(values, Setting.PEERJS_CONCURRENT_LIMIT)),
        new HttpTransport(
            bool(values, Setting.HTTP_TRANSPORT_ENABLED),
            Duration.ofSeconds(positive(values, Setting.HTTP_SESSION_IDLE_SECONDS))));
  }

  private static KubernetesDiscovery kubernetes(Discovery discovery, Map<Setting, String> values) {
    KubernetesDiscovery kubernetes =
        new KubernetesDiscovery(
            values.get(Setting.CLUSTER_SERVICE_DNS),
            values.get(Setting.CLUSTER_SERVICE_NAME),
            values.get(Setting.CLUSTER_NAMESPACE),
            values.get(Setting.CLUSTER_KUBERNETES_API_URL),
            values.get(Setting.CLUSTER_KUBERNETES_TOKEN_FILE),
            values.get(Setting.CLUSTER_KUBERNETES_CA_FILE));
    if (discovery != Discovery.KUBERNETES) {
      return kubernetes;
    }
    if (!kubernetes.usesDns() && kubernetes.serviceName().isEmpty()) {
      throw new ConfigException(
          "CLUSTER_DISCOVERY=kubernetes needs "
              + describe(Setting.CLUSTER_SERVICE_DNS)
              + " or "
              + describe(Setting.CLUSTER_SERVICE_NAME));
    }
    // DNS mode never reads them: refused rather than ignored, so that a half-made switch between
    // the modes shows at start.
    for (Setting apiOnly :
        List.of(
            Setting.CLUSTER_KUBERNETES_API_URL,
            Setting.CLUSTER_KUBERNETES_TOKEN_FILE,
            Setting.CLUSTER_KUBERNETES_CA_FILE)) {
      if (kubernetes.usesDns() && !values.get(apiOnly).isEmpty()) {
        throw new ConfigException(
            describe(apiOnly)
                + " is for the Kubernetes API mode; "
                + describe(Setting.CLUSTER_SERVICE_DNS)
                + " selects the DNS mode");
      }
    }
    String url = kubernetes.apiUrl();
    // Hazelcast insists on a CA certificate in API mode, so a plain-HTTP API could not be used.
    if (!url.isEmpty() && !url.startsWith("https://")) {
      throw new ConfigException(
          describe(Setting.CLUSTER_KUBERNETES_API_URL)
              + " must start with https://; got \""
              + url
              + "\"");
    }
    return kubernetes;
  }

  private static boolean bool(Map<Setting, String> values, Setting setting) {
    String value = values.get(setting).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new ConfigException(
          describe(setting) + " must be true or false; got \"" + values.get(setting) + "\"");
    }
    return value.equals("true");
  }

  private static boolean logFormatIsJson(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "plain":
        return false;
      case "json":
        return true;
      default:
        throw new ConfigException(
            describe(Setting.LOG_FORMAT) + " must be plain or json; got \"" + value + "\"");
    }
  }

  private static String logLevel(String value) {
    String level = value.toUpperCase(Locale.ROOT);
    if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level)) {
      throw new ConfigException(
          describe(Setting.LOG_LEVEL)
              + " must be ERROR, WARN, INFO, DEBUG or TRACE; got \""
              + value
              + "\"");
    }
    return level;
  }

  private static List<String> members(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(member -> !member.isEmpty())
        .toList();
  }

  private static String nonEmpty(Map<Setting, String> values, Setting setting) {
    String value = values.get(setting);
    if (value.isEmpty()) {
      throw new ConfigException(describe(setting) + " must not be empty");
    }
    return value;
  }

  private static int port(Map<Setting, String> values, Setting setting, boolean zeroAllowed) {
    int port = integer(values, setting);
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      throw new ConfigException(describe(setting) + " must be a port number; got " + port);
    }
    return port;
  }

  private static int positive(Map<Setting, String> values, Setting setting) {
    int value = integer(values, setting);
    if (value <= 0) {
      throw new ConfigException(describe(setting) + " must be greater than 0; got " + value);
    }
    return value;
  }

  private static int notNegative(Map<Setting, String> values, Setting setting) {
    int value = integer(values, setting);
    if (value < 0) {
      throw new ConfigException(describe(setting) + " must be 0 or more; got " + value);
    }
    return value;
  }

  /** Both spellings, since either may have set the value. */
  private static String describe(Setting setting) {
    return setting.env() + " (" + setting.flag() + ")";
  }

  private static int integer(Map<Setting, String> values, Setting setting) {
    String value = values.get(setting);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(
          describe(setting) + " must be a whole number; got \"" + value + "\"");
    }
  }
}
