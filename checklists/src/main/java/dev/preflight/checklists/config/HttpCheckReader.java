package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads an {@code http} check: the request it sends and what it expects back. A smoke step
 * ({@link SmokeCheckReader}) sends and expects the same way, so it reads them here too.
 */
final class HttpCheckReader {

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private HttpCheckReader() {}

  static Optional<CheckSpec> http(Mapping fields, CheckSpec.Timing timing) {
    HttpRequest request = request(fields);
    HttpExpectation expect = expectation(fields);
    return request.url().map(url -> new CheckSpec.Http(request.method(), url, request.headers(), request.body(),
        expect.status(), expect.json(), expect.bodyContains(), expect.maxLatency(), timing));
  }

  /** What an http check and a smoke step send; the url is empty when it is missing or wrong. */
  record HttpRequest(String method, Optional<String> url, Map<String, String> headers, String body) {}

  static HttpRequest request(Mapping fields) {
    String method = fields.get("method", "write method: GET")
        .flatMap(v -> v.text().map(String::toUpperCase).filter(m -> METHODS.contains(m)
            || CheckReader.rejected(v, "`" + m + "` is not an HTTP method", "write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")))
        .orElse("GET");
    Optional<String> url = fields.require("url", "write url: https://host/health").flatMap(HttpCheckReader::url);
    Map<String, String> headers = fields.get("headers", "write headers: { Authorization: \"Bearer ${TOKEN}\" }")
        .map(v -> CheckReader.stringMap(v, HEADER_NAME, "is not a valid header name"))
        .orElse(Map.of());
    String body = fields.get("body", "write body: '{\"ping\": true}'").flatMap(Value::string).orElse(null);
    return new HttpRequest(method, url, headers, body);
  }

  static HttpExpectation expectation(Mapping fields) {
    return fields.get("expect", "write expect: { status: 200 }")
        .flatMap(Value::mapping)
        .map(HttpCheckReader::httpExpectation)
        .orElse(HttpExpectation.DEFAULT);
  }

  record HttpExpectation(List<Integer> status, Map<String, Object> json, String bodyContains, Duration maxLatency) {
    static final HttpExpectation DEFAULT = new HttpExpectation(List.of(200), Map.of(), null, null);
  }

  private static HttpExpectation httpExpectation(Mapping expect) {
    expect.allow(List.of("status", "json", "bodyContains", "maxLatency"));
    return new HttpExpectation(
        expect.get("status", "write status: 200, or a list: [401, 403]").map(HttpCheckReader::statuses).orElse(List.of(200)),
        expect.get("json", "write json: { /ok: true }").map(HttpCheckReader::jsonExpectations).orElse(Map.of()),
        expect.get("bodyContains", "write bodyContains: ok").flatMap(Value::text).orElse(null),
        expect.get("maxLatency", "write maxLatency: 2s")
            .flatMap(v -> v.duration(d -> !d.isZero(), "must be longer than 0"))
            .orElse(null));
  }

  private static Optional<String> url(Value value) {
    return CheckReader.url(value, "write url: https://host/health or url: ${BASE_URL}/health");
  }

  private static List<Integer> statuses(Value value) {
    List<Value> codes = value.node() instanceof ScalarNode ? List.of(value) : value.nonEmptyList().orElse(List.of());
    List<Integer> statuses = new ArrayList<>();
    for (Value code : codes) {
      code.integer(Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(status -> {
        if (status < 100 || status > 599) {
          code.error("`" + status + "` is not an HTTP status", "write a code from 100 to 599");
        } else {
          statuses.add(status);
        }
      });
    }
    return statuses.isEmpty() ? List.of(200) : statuses;
  }

  /** JSON pointer → expected scalar, typed as JSON would type it. */
  private static Map<String, Object> jsonExpectations(Value value) {
    Map<String, Object> expected = new LinkedHashMap<>();
    value.mapping().ifPresent(pointers -> {
      for (Mapping.Entry entry : pointers.entries("write json: { /ok: true }")) {
        if (!entry.name().startsWith("/")) {
          entry.key().error("`" + entry.name() + "` is not a JSON pointer", "write /" + entry.name() + " for a top-level field");
          continue;
        }
        if (!(entry.value().node() instanceof ScalarNode scalar)) {
          entry.value().error("expected a string, number, true/false or null; lists and mappings cannot be compared");
          continue;
        }
        expected.put(entry.name(), jsonScalar(entry.value(), scalar));
      }
    });
    return expected;
  }

  private static Object jsonScalar(Value value, ScalarNode scalar) {
    Tag tag = scalar.getTag();
    String text = scalar.getValue();
    try {
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        return value.bool().orElse(null);
      }
      if (tag.equals(Tag.INT)) {
        return Long.parseLong(text.replace("_", ""));
      }
      if (tag.equals(Tag.FLOAT)) {
        return Double.parseDouble(text.replace("_", ""));
      }
    } catch (NumberFormatException e) {
      value.error("`" + text + "` is not a number JSON can hold", "quote it to compare it as a string");
      return null;
    }
    return value.string().orElse(null);
  }
}
