package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds http check specs for tests, with the defaults a checklist would leave out. */
final class HttpSpec {

  private String method = "GET";
  private final String url;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private String body;
  private List<Integer> expectStatus = List.of(200);
  private final Map<String, Object> expectJson = new LinkedHashMap<>();
  private String bodyContains;
  private Duration maxLatency;
  private Duration timeout = Duration.ofSeconds(5);
  private int retries;
  private Duration interval = Duration.ZERO;

  private HttpSpec(String url) {
    this.url = url;
  }

  static HttpSpec get(String url) {
    return new HttpSpec(url);
  }

  HttpSpec method(String method) {
    this.method = method;
    return this;
  }

  HttpSpec header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  HttpSpec body(String body) {
    this.body = body;
    return this;
  }

  HttpSpec expectStatus(Integer... statuses) {
    this.expectStatus = List.of(statuses);
    return this;
  }

  HttpSpec expectJson(String pointer, Object value) {
    expectJson.put(pointer, value);
    return this;
  }

  HttpSpec bodyContains(String text) {
    this.bodyContains = text;
    return this;
  }

  HttpSpec maxLatency(Duration maxLatency) {
    this.maxLatency = maxLatency;
    return this;
  }

  HttpSpec timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  HttpSpec retries(int retries, Duration interval) {
    this.retries = retries;
    this.interval = interval;
    return this;
  }

  CheckSpec.Http build() {
    return new CheckSpec.Http(method, url, headers, body, expectStatus, expectJson, bodyContains, maxLatency,
        new CheckSpec.Timing(timeout, retries, interval));
  }
}
