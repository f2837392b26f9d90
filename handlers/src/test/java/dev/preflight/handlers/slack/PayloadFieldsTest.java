package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.preflight.handlers.slack.PayloadFields.Malformed;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The form decoder every slash command and click goes through: it reads what {@link URLDecoder}
 * reads, field for field, and refuses what is not a form.
 */
class PayloadFieldsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "command=%2Fchecklist&text=list&user_id=U0ALICE",
      "text=deploy+backend+v1.2.0+to+production",
      "text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2F3",
      "text=caf%C3%A9+%E2%9C%85+%F0%9F%9A%80",
      "text=%e2%9c%85%2b%2B",
      "text=half+a+character+%C3",
      "text=%FF%FE+not+UTF-8",
      "text=raw+caf\u00e9+and+\u2705",
      "payload=%7B%22type%22%3A%22block_actions%22%7D",
      "a=1&b=2&c=3&d=4",
  })
  void readsEveryFieldAsUrlDecoderDoes(String body) {
    Map<String, String> expected = new LinkedHashMap<>();
    for (String pair : body.split("&", -1)) {
      int equals = pair.indexOf('=');
      expected.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    assertEquals(expected, PayloadFields.decodeForm(body));
  }

  @Test
  void aFieldWithoutEscapesIsReadAsItIs() {
    assertEquals(Map.of("command", "/checklist", "text", "list"), PayloadFields.decodeForm("command=/checklist&text=list"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text=100%", "text=%4", "text=%G0", "text=%%41", "text=%+1", "text=%-1", "text=%\u0661\u0662",
      "text=%E0%A4%A"})
  void aBadEscapeIsRefused(String body) {
    assertEquals("form body has a bad %-escape", assertThrows(Malformed.class, () -> PayloadFields.decodeForm(body))
        .getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "text", "=list", "text=a=b", "text=list&", "&text=list", "text=list&&user_id=U0A"})
  void whatIsNotNameValuePairsIsRefused(String body) {
    assertEquals("form body is not name=value pairs",
        assertThrows(Malformed.class, () -> PayloadFields.decodeForm(body)).getMessage());
  }

  @Test
  void aFieldThatComesTwiceIsRefusedEvenWhenEscapedDifferently() {
    assertEquals("form field `user_id` comes twice", assertThrows(Malformed.class,
        () -> PayloadFields.decodeForm("user_id=U0A&user%5Fid=U0B")).getMessage());
  }
}
