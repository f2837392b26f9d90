package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A webhook called once (again only on a connection error or a 5xx, and only for a method that
 * may safely be repeated).
 *
 * @param body sent as written after the placeholders are filled, or null for none
 * @param expectStatus the statuses that pass; empty for any 2xx
 */
public record HttpAction(String name, String method, String url, Map<String, String> headers, String body,
    Set<Integer> expectStatus, Duration timeout) implements ActionSpec {

  public static final String KIND = "http";
  /** The methods that do the same when sent twice, so a failed attempt may be sent again. */
  public static final List<String> IDEMPOTENT = List.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

  public HttpAction {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    expectStatus = Set.copyOf(expectStatus);
  }

  @Override
  public String kind() {
    return KIND;
  }

  public boolean idempotent() {
    return IDEMPOTENT.contains(method);
  }

  public boolean expected(int status) {
    return expectStatus.isEmpty() ? status >= 200 && status < 300 : expectStatus.contains(status);
  }
}
