package dev.signaling.node.session;

import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.routing.Router;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ClientMessage;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** How a login takes its name, and what it is answered once it has. */
final class Arrivals {
  private Arrivals() {}

  /**
   * Takes the name: by resuming the session {@code resumeToken} names, when it can be resumed, or
   * by a fresh claim. Completes with the record of the session resumed, or {@code null}.
   */
  static Future<PresenceRecord> arrive(
      SessionServices services, Session candidate, String resumeToken) {
    Router router = services.router();
    Future<PresenceRecord> resumed =
        resumeToken != null && services.departures().resumable()
            ? router.resume(candidate, ResumeTokens.key(candidate.name(), resumeToken))
            : Future.succeededFuture();
    return resumed.compose(
        record ->
            record != null
                ? Future.succeededFuture(record)
                : router
                    .claim(candidate)
                    .map(
                        previous -> {
                          if (previous != null
                              && previous.isAway()
                              && !previous.session().equals(candidate.id())) {
                            // A newer login without the token ends the earlier one's window.
                            services.departures().awayEnded(candidate.name(), previous, "replaced");
                          }
                          return null;
                        }));
  }

  /** {@code login-ok}: with a fresh resume token when resume is on, and whether it resumed. */
  static JsonObject loginOk(
      SessionServices services,
      ClientMessage.Login login,
      Session candidate,
      String resumeToken,
      PresenceRecord resumed) {
    JsonObject ok =
        ServerMessages.loginOk(candidate.name(), services.router().nodeId())
            .put("iceServers", services.iceServers().forUser(candidate.name()));
    if (resumeToken != null) {
      ok.put("resume", resumeToken)
          .put("resumeSeconds", services.config().resume().window().toSeconds());
    }
    if (login.resume() != null) {
      ok.put("resumed", resumed != null);
    }
    if (login.id() != null) {
      ok.put("id", login.id());
    }
    return ok;
  }
}
