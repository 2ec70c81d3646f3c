package dev.signaling.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever a client sends, the decoder answers with a message or a {@link ProtocolException} that
 * names an error code and says what is wrong: never another exception, which would escape onto an
 * event loop.
 */
class MessageDecoderFuzzTest {

  @Property(tries = 2000)
  void anyTextIsDecodedOrRefusedWithACode(@ForAll String text) {
    assertDecodedOrRefused(text);
  }

  @Property(tries = 1000)
  void anyBytesAsTextAreDecodedOrRefused(@ForAll byte[] bytes) {
    assertDecodedOrRefused(new String(bytes, StandardCharsets.UTF_8));
  }

  @Property(tries = 100)
  void deepNestingIsRefusedNotOverflowed(@ForAll @IntRange(min = 1, max = 20_000) int depth) {
    String nested =
        "{\"type\":\"x\",\"target\":\"bob\",\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    assertDecodedOrRefused(nested);
  }

  @Property(tries = 2000)
  void knownFieldsWithAnyValueAreDecodedOrRefused(@ForAll("messages") String text) {
    assertDecodedOrRefused(text);
  }

  @Property(tries = 1000)
  void namesOutsideTheAllowedCharactersNeverLogIn(@ForAll("oddNames") String name) {
    String login = new JsonObject().put("type", "login").put("name", name).encode();
    try {
      ClientMessage message = MessageDecoder.decode(login);
      assertThat(name).matches("[A-Za-z0-9._@-]{1,64}");
      assertThat(message).isInstanceOf(ClientMessage.Login.class);
    } catch (ProtocolException refused) {
      assertThat(refused.code()).isIn(ErrorCode.INVALID_NAME, ErrorCode.INVALID_FIELD);
    }
  }

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<String> types =
        Arbitraries.of(
            "login",
            "logout",
            "join",
            "leave",
            "token",
            "ice-servers",
            "video-offer",
            "new-ice-candidate",
            "ack",
            "error",
            "presence",
            "");
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(80).map(s -> (Object) s),
            Arbitraries.integers().between(60_000, 70_000).map(size -> (Object) "s".repeat(size)),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(new JsonArray().add(1).add("x")),
            Arbitraries.just(new JsonObject().put("nested", new JsonObject())),
            Arbitraries.strings()
                .withChars("\u0000\u202e\ud83d\ude00\u00e9\u0430\ufeff")
                .ofMaxLength(10)
                .map(s -> (Object) s));
    return Arbitraries.maps(
            Arbitraries.of("type", "target", "room", "id", "name", "token", "from", "sdp"), values)
        .ofMaxSize(6)
        .flatMap(
            fields ->
                types.map(
                    type -> {
                      JsonObject json = new JsonObject();
                      fields.forEach((key, value) -> json.put(key, value));
                      if (!fields.containsKey("type")) {
                        json.put("type", type);
                      }
                      return json.encode();
                    }));
  }

  @Provide
  Arbitrary<String> oddNames() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(0).ofMaxLength(70),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(60).ofMaxLength(70),
        Arbitraries.strings()
            .withChars("a\u0430\u0131\u00df\u200b\ud83d\ude00 /\\\"'<>")
            .ofMinLength(1)
            .ofMaxLength(8));
  }

  private static void assertDecodedOrRefused(String text) {
    try {
      assertThat(MessageDecoder.decode(text)).isNotNull();
    } catch (ProtocolException refused) {
      assertThat(refused.code()).isNotNull();
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
