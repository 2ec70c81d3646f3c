package dev.signaling.node.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which web origins may open WebSockets, against cross-site WebSocket hijacking: a page on another
 * site must not be able to use a visitor's browser to talk to the node. Requests without an Origin
 * header come from non-browser clients and are allowed; they cannot be made by a page.
 */
public final class OriginPolicy {
  private final List<String> allowed;

  /**
   * @param allowed exact origins ({@code https://app.example.org}); empty for the node's own and
   *     localhost
   */
  public OriginPolicy(List<String> allowed) {
    this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
  }

  /**
   * @param origin the request's Origin header, or {@code null}
   * @param host the request's Host header (the node's own origin, as the browser addressed it)
   */
  public boolean allows(String origin, String host) {
    if (origin == null) {
      return true;
    }
    String normalized = normalize(origin);
    if (!allowed.isEmpty()) {
      return allowed.contains(normalized);
    }
    URI uri;
    try {
      uri = URI.create(normalized);
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    String originHost = uri.getHost();
    if (originHost == null) {
      return false;
    }
    boolean local =
        originHost.equals("localhost")
            || originHost.equals("127.0.0.1")
            || originHost.equals("[::1]")
            || originHost.equals("::1");
    return local || uri.getRawAuthority().equalsIgnoreCase(host);
  }

  private static String normalize(String origin) {
    String lower = origin.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
