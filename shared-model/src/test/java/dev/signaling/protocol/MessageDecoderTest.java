package dev.signaling.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageDecoderTest {

  @Test
  void decodesLoginWithItsId() throws ProtocolException {
    ClientMessage message =
        MessageDecoder.decode("{\"type\":\"login\",\"name\":\"alice@example.org\",\"id\":7}");

    assertThat(message).isEqualTo(new ClientMessage.Login("alice@example.org", null, 7));
  }

  @Test
  void decodesAnApplicationMessageForATarget() throws ProtocolException {
    String text =
        "{\"type\":\"video-offer\",\"target\":\"bob\",\"id\":\"o-1\",\"sdp\":{\"type\":\"offer\"}}";

    ClientMessage.Relay relay = (ClientMessage.Relay) MessageDecoder.decode(text);

    assertThat(relay.type()).isEqualTo("video-offer");
    assertThat(relay.target()).isEqualTo("bob");
    assertThat(relay.id()).isEqualTo("o-1");
    assertThat(relay.frame().text()).isEqualTo(text);
  }

  @Test
  void decodesLogout() throws ProtocolException {
    assertThat(MessageDecoder.decode("{\"type\":\"logout\"}"))
        .isEqualTo(new ClientMessage.Logout(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "not json", "{", "[1,2]", "\"text\"", "42", "null", "{\"type\":\"x\",}"})
  void refusesWhatIsNotAJsonObject(String text) {
    assertRefused(text, ErrorCode.INVALID_JSON, null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"ack\",\"type\":\"note\",\"target\":\"bob\"}",
        "{\"type\":\"note\",\"target\":\"carol\",\"target\":\"bob\"}",
        "{\"type\":\"note\",\"target\":\"bob\",\"sdp\":{\"a\":1,\"a\":2}}",
        "{\"type\":\"note\",\"target\":\"bob\"} {\"type\":\"note\"}",
        "{\"type\":\"note\",\"target\":\"bob\",\"sdp\":[1,2}"
      })
  void refusesDuplicateKeysAndTrailingOrBrokenContent(String text) {
    assertRefused(text, ErrorCode.INVALID_JSON, null);
  }

  @Test
  void refusesNestingDeeperThanTheParserAllows() {
    String deep =
        "{\"type\":\"x\",\"target\":\"bob\",\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

    assertRefused(deep, ErrorCode.INVALID_JSON, null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"target\":\"bob\"}",
        "{\"type\":5,\"target\":\"bob\"}",
        "{\"type\":\"\"}",
        "{\"type\":null}",
        "{\"type\":[\"x\"]}"
      })
  void refusesAMissingOrNonStringType(String text) {
    assertRefused(text, ErrorCode.INVALID_TYPE, null);
  }

  @Test
  void refusesAnOverlongType() {
    assertRefused(
        "{\"type\":\"" + "x".repeat(65) + "\",\"target\":\"bob\"}", ErrorCode.INVALID_TYPE, null);
  }

  @Test
  void echoesTheIdOfARefusedMessage() {
    assertRefused("{\"type\":\"video-offer\",\"id\":\"o-9\"}", ErrorCode.MISSING_TARGET, "o-9");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"x\",\"target\":5}",
        "{\"type\":\"x\",\"target\":{\"name\":\"bob\"}}",
        "{\"type\":\"x\",\"target\":\"bob smith\"}",
        "{\"type\":\"x\",\"target\":\"\"}"
      })
  void refusesATargetThatIsNotAName(String text) {
    assertRefused(text, ErrorCode.INVALID_FIELD, null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"login-ok", "ack", "error", "presence", "joined", "go-away", "peer-left", "left"})
  void refusesTypesReservedForTheServer(String type) {
    assertRefused(
        "{\"type\":\"" + type + "\",\"target\":\"bob\",\"id\":1}", ErrorCode.RESERVED_TYPE, 1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"x\",\"target\":\"bob\",\"id\":1.5}",
        "{\"type\":\"x\",\"target\":\"bob\",\"id\":{}}",
        "{\"type\":\"x\",\"target\":\"bob\",\"id\":true}"
      })
  void refusesAnIdThatIsNeitherStringNorInteger(String text) {
    assertRefused(text, ErrorCode.INVALID_FIELD, null);
  }

  @Test
  void refusesAnOverlongId() {
    assertRefused(
        "{\"type\":\"x\",\"target\":\"bob\",\"id\":\"" + "i".repeat(129) + "\"}",
        ErrorCode.INVALID_FIELD,
        null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bob smith", "bob/1", "b\u00f6b", "\u0430lice", "bob\u0000", "a\"b"})
  void refusesLoginNamesOutsideTheAllowedCharacters(String name) {
    String text = new JsonObject().put("type", "login").put("name", name).encode();

    assertRefused(text, ErrorCode.INVALID_NAME, null);
  }

  @Test
  void acceptsNamesOfExactlySixtyFourCharactersOnly() throws ProtocolException {
    String longest = "a".repeat(64);
    assertThat(
            MessageDecoder.decode(
                new JsonObject().put("type", "login").put("name", longest).encode()))
        .isEqualTo(new ClientMessage.Login(longest, null, null));

    assertRefused(
        new JsonObject().put("type", "login").put("name", longest + "a").encode(),
        ErrorCode.INVALID_NAME,
        null);
  }

  @Test
  void refusesALoginWhoseNameIsNotAString() {
    assertRefused("{\"type\":\"login\",\"name\":42,\"id\":\"l\"}", ErrorCode.INVALID_FIELD, "l");
  }

  @Test
  void everyErrorMessageSaysWhatWasWrong() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(code.defaultMessage()).as(code.code()).isNotBlank();
      assertThat(ErrorCode.fromCode(code.code())).isEqualTo(code);
    }
  }

  private static void assertRefused(String text, ErrorCode code, Object ref) {
    assertThatThrownBy(() -> MessageDecoder.decode(text))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            refused -> {
              assertThat(refused.code()).isEqualTo(code);
              assertThat(refused.ref()).isEqualTo(ref);
              assertThat(refused.getMessage()).isNotBlank();
            });
  }
}
