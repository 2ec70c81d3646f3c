package dev.signaling.node.transport;

import io.vertx.ext.web.RoutingContext;

/**
 * Security headers for the web app's pages: everything comes from this node, scripts only from its
 * files, and the page can open WebSockets to the node it came from.
 */
final class WebAppHeaders {
  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          "media-src 'self' blob: mediastream:",
          "connect-src 'self'",
          "frame-ancestors 'none'",
          "base-uri 'none'",
          "form-action 'self'");

  private WebAppHeaders() {}

  static void apply(RoutingContext context) {
    context
        .response()
        .headers()
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("Permissions-Policy", "camera=(self), microphone=(self)")
        .set("Cache-Control", "no-cache");
    context.next();
  }
}
