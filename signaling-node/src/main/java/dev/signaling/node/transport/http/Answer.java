package dev.signaling.node.transport.http;

import io.vertx.core.json.JsonObject;

/**
 * What the node that holds an HTTP session answers a request for it, whichever node the client sent
 * the request to: the same record locally and, as JSON, over the event bus.
 *
 * @param outcome what became of the request
 * @param body for a poll or a stream: the frames, formatted for the response (may be empty)
 * @param last for a poll or a stream: the sequence number of the last frame the session has
 *     written; for a send refused as out of order, the sequence number expected next
 * @param closeCode when the session has closed and nothing more is to come: the close code (as a
 *     WebSocket's); 0 while it is open
 * @param closeReason the close reason, when {@code closeCode} is set
 */
record Answer(Outcome outcome, String body, long last, int closeCode, String closeReason) {

  enum Outcome {
    /** Done: the frames were handed to the session, or here are the frames. */
    OK,
    /** A send that had arrived before (a client's retry): its frames are not read twice. */
    DUPLICATE,
    /** A send whose sequence number is not the next one. */
    OUT_OF_ORDER,
    /** A send while the client's earlier sends are still unread: too much at once. */
    BUSY,
    /** A send to a session that has closed; the close is in the answer. */
    CLOSED,
    /** No such session here, or the key does not match: the same answer, so ids cannot be tried. */
    UNKNOWN,
    /** A poll or stream answered because a newer one for the same session arrived. */
    SUPERSEDED,
    /** The session's node did not answer in time. */
    UNAVAILABLE
  }

  static final Answer UNKNOWN_SESSION = of(Outcome.UNKNOWN);
  static final Answer NO_ANSWER = of(Outcome.UNAVAILABLE);

  static Answer of(Outcome outcome) {
    return new Answer(outcome, "", 0, 0, null);
  }

  boolean closed() {
    return closeCode != 0;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("outcome", outcome.name()).put("last", last);
    if (!body.isEmpty()) {
      json.put("body", body);
    }
    if (closed()) {
      json.put("code", closeCode).put("reason", closeReason);
    }
    return json;
  }

  static Answer fromJson(JsonObject json) {
    return new Answer(
        Outcome.valueOf(json.getString("outcome")),
        json.getString("body", ""),
        json.getLong("last", 0L),
        json.getInteger("code", 0),
        json.getString("reason"));
  }

  /** The close as the HTTP API states it: {@code {"code":1008,"reason":"too slow"}}. */
  JsonObject closeJson() {
    return new JsonObject().put("code", closeCode).put("reason", closeReason);
  }
}
