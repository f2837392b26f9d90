package dev.preflight.deploy.check;

import dev.preflight.checklists.secret.Redactor;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * One {@code expectJson} entry: a JSON pointer and the value expected there.
 *
 * <p>Scalars compare by value, not by JSON type, because checklist authors quote YAML values
 * inconsistently and services are no better: {@code true} matches {@code "true"}, {@code 3}
 * matches {@code 3.0} and {@code "3"}. {@code null} matches only a JSON null that is present;
 * a missing member never matches anything. An object or array matches only an equal one.
 */
record JsonExpectation(String pointer, Object expected) {

  /** Stands in for "absent", which a plain {@code null} cannot tell apart from JSON null. */
  private static final Object MISSING = new Object();
  private static final int SHOWN_LIMIT = 80;

  JsonPointer compiled() {
    try {
      return JsonPointer.from(pointer);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException("\"" + pointer + "\" is not a JSON pointer (they start with /)");
    }
  }

  /** What is wrong with the document, or empty when it holds the expected value. */
  Optional<String> mismatch(Object document, Redactor redactor) {
    Object actual = find(document);
    if (actual == MISSING) {
      return Optional.of(pointer + ": not in the response");
    }
    if (matches(expected, actual)) {
      return Optional.empty();
    }
    return Optional.of(pointer + ": expected " + show(expected, redactor) + ", got " + show(actual, redactor));
  }

  /** The value at the pointer, JSON null included, or {@link #MISSING}. */
  private Object find(Object document) {
    JsonPointer compiled = compiled();
    Object found = compiled.queryJsonOrDefault(document, MISSING);
    if (found != MISSING || compiled.isRootPointer()) {
      return found;
    }
    // The pointer API answers "absent" for a member that is present and null; ask the parent.
    Object parent = compiled.copy().parent().queryJson(document);
    String last = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    if (parent instanceof JsonObject object && object.containsKey(last)) {
      return null;
    }
    if (parent instanceof JsonArray array && last.matches("\\d{1,9}") && Integer.parseInt(last) < array.size()) {
      return null;
    }
    return MISSING;
  }

  static boolean matches(Object expected, Object actual) {
    if (expected == null || actual == null) {
      return expected == null && actual == null;
    }
    if (!isScalar(expected) || !isScalar(actual)) {
      return Json.encode(expected).equals(Json.encode(actual));
    }
    String expectedText = expected.toString();
    String actualText = actual.toString();
    if (expectedText.equals(actualText)) {
      return true;
    }
    BigDecimal expectedNumber = number(expectedText);
    BigDecimal actualNumber = number(actualText);
    return expectedNumber != null && actualNumber != null && expectedNumber.compareTo(actualNumber) == 0;
  }

  private static boolean isScalar(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean;
  }

  private static BigDecimal number(String text) {
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Redacts before cutting, so a long secret cannot slip out half-masked. */
  private static String show(Object value, Redactor redactor) {
    String shown = redactor.redact(Json.encode(value));
    return shown.length() > SHOWN_LIMIT ? shown.substring(0, SHOWN_LIMIT) + "…" : shown;
  }
}
