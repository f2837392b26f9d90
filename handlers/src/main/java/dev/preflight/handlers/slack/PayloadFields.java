package dev.preflight.handlers.slack;

import dev.preflight.handlers.SlackIds;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields of a Slack payload strictly for {@link SlackInput}: each reader returns the
 * field when it has the JSON type, the length and (for ids and timestamps) the characters Slack
 * gives it, and throws {@link Malformed} with a short plain-text reason otherwise.
 */
final class PayloadFields {

  /** What a refusal's reason may quote of the input. */
  private static final int QUOTE_LIMIT = 40;
  /** Slack's own limits: action and block ids, button values, view metadata. */
  static final int MAX_ACTION_ID = 255;
  static final int MAX_VALUE = 2000;
  static final int MAX_METADATA = 3000;
  /** Anything else Slack names (trigger ids, response URLs, reaction names, tabs) fits in this. */
  static final int MAX_NAME = 2048;

  private PayloadFields() {}

  /** A payload that does not have the shape Slack gives it; the message is the refusal's reason. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  static JsonObject json(String text, String what) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Malformed(what + " is not a JSON object");
    }
  }

  /**
   * Decodes a form strictly: every pair is {@code name=value}, every {@code %} starts a valid
   * escape (two ASCII hex digits), and no field comes twice. Escaped bytes are read as UTF-8, and
   * {@code +} is a space, as {@link java.net.URLDecoder} reads them; this reads the body in one
   * pass and copies a field only when it holds an escape.
   */
  static Map<String, String> decodeForm(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    int start = 0;
    while (true) {
      int end = body.indexOf('&', start);
      if (end < 0) {
        end = body.length();
      }
      int equals = body.indexOf('=', start);
      if (equals <= start || equals >= end) {
        throw new Malformed("form body is not name=value pairs");
      }
      int second = body.indexOf('=', equals + 1);
      if (second >= 0 && second < end) {
        throw new Malformed("form body is not name=value pairs");
      }
      String name = decode(body, start, equals);
      if (fields.put(name, decode(body, equals + 1, end)) != null) {
        throw new Malformed("form field " + quote(name) + " comes twice");
      }
      if (end == body.length()) {
        return fields;
      }
      start = end + 1;
    }
  }

  /** The characters {@code from} (inclusive) to {@code to} of a form, decoded. */
  private static String decode(String form, int from, int to) {
    int plain = from;
    while (plain < to && form.charAt(plain) != '%' && form.charAt(plain) != '+') {
      plain++;
    }
    if (plain == to) {
      return form.substring(from, to);
    }
    StringBuilder decoded = new StringBuilder(to - from).append(form, from, plain);
    byte[] escaped = null;
    int at = plain;
    while (at < to) {
      char c = form.charAt(at);
      if (c == '+') {
        decoded.append(' ');
        at++;
      } else if (c != '%') {
        decoded.append(c);
        at++;
      } else {
        // A run of escapes is one UTF-8 sequence (or several): decode the bytes together.
        if (escaped == null) {
          escaped = new byte[(to - at) / 3 + 1];
        }
        int bytes = 0;
        while (at < to && form.charAt(at) == '%') {
          int high = at + 2 < to ? hexDigit(form.charAt(at + 1)) : -1;
          int low = at + 2 < to ? hexDigit(form.charAt(at + 2)) : -1;
          if (high < 0 || low < 0) {
            throw new Malformed("form body has a bad %-escape");
          }
          escaped[bytes++] = (byte) (high << 4 | low);
          at += 3;
        }
        decoded.append(new String(escaped, 0, bytes, StandardCharsets.UTF_8));
      }
    }
    return decoded.toString();
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** The name of a field as the reason names it: the part after the last dot. */
  private static String key(String field) {
    return field.substring(field.lastIndexOf('.') + 1);
  }

  static String text(JsonObject json, String field, boolean required, int maxLength) {
    Object value = json.getValue(key(field));
    if (value == null) {
      if (required) {
        throw new Malformed("missing " + field);
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw new Malformed(field + " is not text");
    }
    if (text.length() > maxLength) {
      throw new Malformed(field + " is longer than " + maxLength + " characters");
    }
    return text;
  }

  static String id(JsonObject json, String field, boolean required) {
    String value = text(json, field, required, Integer.MAX_VALUE);
    if (value != null && !SlackIds.isId(value)) {
      throw new Malformed(field + " is not a Slack id");
    }
    return value;
  }

  static void ts(JsonObject json, String field, boolean required) {
    String value = text(json, field, required, Integer.MAX_VALUE);
    if (value != null && !SlackIds.isTs(value)) {
      throw new Malformed(field + " is not a message timestamp");
    }
  }

  static JsonObject object(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw new Malformed("missing " + field);
      }
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      throw new Malformed(field + " is not an object");
    }
    return object;
  }

  static JsonArray array(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw new Malformed("missing " + field);
    }
    if (!(value instanceof JsonArray array)) {
      throw new Malformed(field + " is not a list");
    }
    return array;
  }

  /** Walks the whole value: a NUL in any key or string refuses the payload. */
  static void noNul(Object value, String where) {
    if (value instanceof String text) {
      if (text.indexOf('\0') >= 0) {
        throw new Malformed(where + " holds a NUL character");
      }
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        noNul(entry.getKey(), where);
        noNul(entry.getValue(), where);
      }
    } else if (value instanceof JsonArray array) {
      for (Object element : array) {
        noNul(element, where);
      }
    }
  }

  /** A piece of the input inside a reason: printable ASCII only, and short. */
  static String quote(String raw) {
    StringBuilder shown = new StringBuilder("`");
    for (int i = 0; i < raw.length() && i < QUOTE_LIMIT; i++) {
      char c = raw.charAt(i);
      shown.append(c >= 0x20 && c < 0x7f && c != '`' ? c : '?');
    }
    return shown.append(raw.length() > QUOTE_LIMIT ? "…`" : "`").toString();
  }
}
