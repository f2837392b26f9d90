package dev.preflight.deploy.alert;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** Reading webhook JSON with errors that name the field, shared by the parsers. */
final class Json {

  // CloudWatch writes "2021-03-04T05:06:07.890+0000": an offset without a colon.
  private static final DateTimeFormatter OFFSET_NO_COLON = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .toFormatter();

  private Json() {}

  static JsonObject object(String body, String what) {
    if (body == null || body.isBlank()) {
      throw new AlertFormatException("the body is empty; expected " + what);
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw new AlertFormatException("the body is not JSON; expected " + what);
    }
    throw new AlertFormatException("the body is not a JSON object; expected " + what);
  }

  static String requireString(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value == null) {
      throw new AlertFormatException(where + field + " is missing");
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new AlertFormatException(where + field + " must be a non-empty string");
    }
    return text;
  }

  static String string(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Number number) {
      return number.toString();
    }
    throw new AlertFormatException(where + field + " must be a string");
  }

  static JsonObject object(JsonObject json, String field, String where, boolean required) {
    Object value = json.getValue(field);
    if (value == null && !required) {
      return null;
    }
    if (value == null) {
      throw new AlertFormatException(where + field + " is missing");
    }
    if (!(value instanceof JsonObject object)) {
      throw new AlertFormatException(where + field + " must be an object");
    }
    return object;
  }

  static JsonArray array(JsonObject json, String field, String where, boolean required) {
    Object value = json.getValue(field);
    if (value == null && !required) {
      return new JsonArray();
    }
    if (value == null) {
      throw new AlertFormatException(where + field + " is missing");
    }
    if (!(value instanceof JsonArray array)) {
      throw new AlertFormatException(where + field + " must be an array");
    }
    return array;
  }

  /** A timestamp, or null when absent or Go's zero time (Alertmanager's "not ended yet"). */
  static Instant instant(JsonObject json, String field, String where) {
    String text = string(json, field, where);
    if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text, OFFSET_NO_COLON).toInstant();
      } catch (DateTimeParseException again) {
        throw new AlertFormatException(where + field + " is not a timestamp: " + clip(text));
      }
    }
  }

  static String clip(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
