package dev.signaling.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RelayFramesTest {

  @Test
  void addsTheSenderAndKeepsEveryByteOfThePayload() throws ProtocolException {
    // Escapes, number spellings and key order that a re-encoding would change.
    String text = "{\"type\":\"video-offer\",\"target\":\"bob\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\","
        + "\"n\":1.50e2,\"u\":\"\\u00e9\",\"z\":0}";

    String framed = relay(text).framedFrom("alice");

    assertThat(framed).isEqualTo("{\"from\":\"alice\"," + text.substring(1));
    assertThat(new JsonObject(framed).getString("from")).isEqualTo("alice");
  }

  @Test
  void overwritesAFromTheClientWrote() throws ProtocolException {
    String text = "{\"type\":\"video-offer\",\"target\":\"bob\",\"from\":\"mallory\",\"sdp\":\"s\"}";

    JsonObject framed = new JsonObject(relay(text).framedFrom("alice"));

    assertThat(framed.getString("from")).isEqualTo("alice");
    assertThat(framed.getString("sdp")).isEqualTo("s");
    assertThat(framed.getString("type")).isEqualTo("video-offer");
  }

  @Test
  void handlesWhitespaceBeforeTheObject() throws ProtocolException {
    String text = " \n {\"type\":\"hang-up\",\"target\":\"bob\"}";

    JsonObject framed = new JsonObject(relay(text).framedFrom("alice"));

    assertThat(framed).isEqualTo(new JsonObject().put("from", "alice").put("type", "hang-up").put("target", "bob"));
  }

  private static ClientMessage.Relay relay(String text) throws ProtocolException {
    return (ClientMessage.Relay) MessageDecoder.decode(text);
  }
}
