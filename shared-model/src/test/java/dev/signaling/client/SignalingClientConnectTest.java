package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalingClientConnectTest {

  /**
   * A node frozen or overloaded accepts the TCP connection (the kernel does) but never answers the
   * handshake: the attempt must fail so that the caller moves on to another node.
   */
  @Test
  void aHandshakeNobodyAnswersFailsWithinTheTimeout() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return silent.accept();
                } catch (java.io.IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      CompletableFuture<SignalingClient> attempt =
          SignalingClient.connect(vertx, "127.0.0.1", silent.getLocalPort(), Duration.ofMillis(300))
              .toCompletionStage()
              .toCompletableFuture();
      Throwable failure = null;
      try {
        attempt.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException expected) {
        failure = expected.getCause();
      }
      assertThat(failure).as("the unanswered handshake failed the connection attempt").isNotNull();
      accepted.get(5, TimeUnit.SECONDS).close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
