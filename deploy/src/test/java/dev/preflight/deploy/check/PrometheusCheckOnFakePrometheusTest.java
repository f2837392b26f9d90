package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.LocalPrometheus;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Every {@link PrometheusCheckTest} again, against {@link dev.preflight.deploy.fake.FakePrometheus}
 * even where Debian's binary is installed: the fallback the suite takes on a machine without it
 * runs on every build, so it cannot rot unseen.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusCheckOnFakePrometheusTest extends PrometheusCheckTest {

  @Override
  LocalPrometheus newPrometheus(Vertx vertx) {
    return LocalPrometheus.fake(vertx);
  }

  @AfterAll
  void theFakeAnsweredTheChecks() {
    assertTrue(prometheus.isFake());
    assertTrue(prometheus.fakeServer().queriesAnswered() > 5,
        "the checks asked the fake: " + prometheus.fakeServer().queriesAnswered() + " queries");
  }
}
