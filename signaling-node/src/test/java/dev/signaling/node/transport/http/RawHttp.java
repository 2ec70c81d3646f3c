package dev.signaling.node.transport.http;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP transport's API spoken by hand, as a client without the library would (or curl): for
 * tests of what each request is answered.
 */
final class RawHttp {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RawHttp() {}

  record Reply(int status, String body, HttpHeaders headers) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  record Session(String id, String key) {}

  /** Creates a session on the node at {@code port}. */
  static Session create(int port) {
    Reply created = request("POST", port, "", null, null, "");
    if (created.status() != 201) {
      throw new AssertionError("session not created: " + created);
    }
    return new Session(created.json().getString("session"), created.json().getString("key"));
  }

  static Reply send(int port, Session session, long seq, String body) {
    return request(
        "POST", port, "/" + session.id() + "/send?seq=" + seq, session.key(), null, body);
  }

  static Reply poll(int port, Session session, long ack) {
    return request("GET", port, "/" + session.id() + "/poll?ack=" + ack, session.key(), null, null);
  }

  /**
   * Any request to {@code /http/sessions<path>}, with the key and origin given (each may be null).
   */
  static Reply request(
      String method, int port, String path, String key, String origin, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/http/sessions" + path))
            .timeout(Duration.ofSeconds(40))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("X-Signaling-Session-Key", key);
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response.headers());
    } catch (IOException failed) {
      throw new AssertionError(method + " " + path + " failed: " + failed, failed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** A stream of Server-Sent Events from {@code port}, read on a thread of its own. */
  static Events stream(int port, Session session, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + port + "/http/sessions/" + session.id() + "/stream"))
            .header("X-Signaling-Session-Key", session.key());
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<InputStream> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      return new Events(response);
    } catch (IOException failed) {
      throw new AssertionError("stream failed: " + failed, failed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /**
   * One event: {@code event} is null for a frame; comments (keep-alives, the opening one) are not
   * events.
   */
  record Event(String event, String id, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  static final class Events implements AutoCloseable {
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private Events(HttpResponse<InputStream> response) {
      this.response = response;
      Thread reader = new Thread(this::read, "event-stream-reader");
      reader.setDaemon(true);
      reader.start();
    }

    int status() {
      return response.statusCode();
    }

    HttpHeaders headers() {
      return response.headers();
    }

    private void read() {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String event = null;
        String id = null;
        String data = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.isEmpty()) {
            if (data != null) {
              events.add(new Event(event, id, data));
            }
            event = id = data = null;
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("data: ")) {
            data = line.substring(6);
          }
        }
      } catch (IOException closed) {
        // The test closed the stream, or the node did.
      }
    }

    /** The next event; fails when none comes within {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
      Event next = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (next == null) {
        throw new AssertionError("no event within " + wait);
      }
      return next;
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }
}
