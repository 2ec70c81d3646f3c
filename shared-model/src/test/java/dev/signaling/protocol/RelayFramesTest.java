package dev.signaling.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayFramesTest {

  @Test
  void addsTheSenderAndKeepsEveryByteOfThePayload() throws ProtocolException {
    // Escapes, number spellings and key order that a re-encoding would change.
    String text =
        "{\"type\":\"video-offer\",\"target\":\"bob\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\","
            + "\"n\":1.50e2,\"u\":\"\\u00e9\",\"z\":0}";

    String framed = relay(text).framedFrom("alice");

    assertThat(framed).isEqualTo("{\"from\":\"alice\"," + text.substring(1));
    assertThat(new JsonObject(framed).getString("from")).isEqualTo("alice");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"from\":\"mallory\",\"type\":\"x\",\"target\":\"bob\",\"n\":1.50}|{\"from\":\"alice\",\"type\":\"x\",\"target\":\"bob\",\"n\":1.50}",
        "{\"type\":\"x\", \"from\" : {\"name\":\"mallory\"} ,\"target\":\"bob\"}|{\"from\":\"alice\",\"type\":\"x\", \"target\":\"bob\"}",
        "{\"type\":\"x\",\"target\":\"bob\",\"u\":\"\\u00e9\", \"from\":\"mallory\" }|{\"from\":\"alice\",\"type\":\"x\",\"target\":\"bob\",\"u\":\"\\u00e9\"}",
      })
  void cutsOutAFromTheClientWroteAndTouchesNothingElse(String sent, String received)
      throws ProtocolException {
    assertThat(relay(sent).framedFrom("alice")).isEqualTo(received);
  }

  @Test
  void handlesWhitespaceBeforeTheObject() throws ProtocolException {
    String text = " \n {\"type\":\"hang-up\",\"target\":\"bob\"}";

    JsonObject framed = new JsonObject(relay(text).framedFrom("alice"));

    assertThat(framed)
        .isEqualTo(
            new JsonObject().put("from", "alice").put("type", "hang-up").put("target", "bob"));
  }

  private static ClientMessage.Relay relay(String text) throws ProtocolException {
    return (ClientMessage.Relay) MessageDecoder.decode(text);
  }
}
