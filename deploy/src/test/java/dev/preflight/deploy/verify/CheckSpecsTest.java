package dev.preflight.deploy.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.Placeholders;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of check gets the deploy's values in the strings a user writes, and nowhere else. */
class CheckSpecsTest {

  private static final Map<String, String> DEPLOY = Placeholders.of("backend", "v1.4.2", "production");
  private static final CheckSpec.Timing TIMING = new CheckSpec.Timing(Duration.ofSeconds(3), 2, Duration.ofSeconds(1));

  @Test
  void httpCheckIsFilledInUrlHeadersBodyAndExpectedStrings() {
    Map<String, Object> expectJson = new LinkedHashMap<>();
    expectJson.put("/version", "{version}");
    expectJson.put("/workers", 3);
    expectJson.put("/region", null);
    CheckSpec.Http spec = new CheckSpec.Http("GET", "https://{environment}.example.com/{service}/healthz",
        Map.of("x-deploy", "{service}@{version}", "Authorization", "Bearer ${TOKEN}"), "{\"v\":\"{version}\"}",
        List.of(200), expectJson, "{version}", Duration.ofSeconds(2), TIMING);

    CheckSpec.Http filled = (CheckSpec.Http) CheckSpecs.fill(spec, DEPLOY);

    assertEquals("https://production.example.com/backend/healthz", filled.url());
    assertEquals(Map.of("x-deploy", "backend@v1.4.2", "Authorization", "Bearer ${TOKEN}"), filled.headers());
    assertEquals("{\"v\":\"v1.4.2\"}", filled.body());
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("/version", "v1.4.2");
    expected.put("/workers", 3);
    expected.put("/region", null);
    assertEquals(expected, filled.expectJson());
    assertEquals("v1.4.2", filled.bodyContains());
    assertEquals(TIMING, filled.timing());
    assertEquals(Duration.ofSeconds(2), filled.maxLatency());
  }

  @Test
  void smokeStepsKeepTheNamesEarlierStepsCapture() {
    CheckSpec.Smoke spec = new CheckSpec.Smoke(List.of(
        new CheckSpec.Smoke.Step("greeting", "POST", "https://{environment}.example.com/greeting",
            Map.of("x-version", "{version}"), "{}", List.of(200), Map.of(), null, null, Map.of("version", "/apiVersion")),
        new CheckSpec.Smoke.Step("chat", "POST", "https://{environment}.example.com/chat",
            Map.of("x-version", "{version}"), "{\"s\":\"{sessionId}\"}", List.of(200), Map.of("/version", "{version}"),
            "{service}", null, Map.of())),
        TIMING);

    CheckSpec.Smoke filled = (CheckSpec.Smoke) CheckSpecs.fill(spec, DEPLOY);

    CheckSpec.Smoke.Step greeting = filled.steps().get(0);
    CheckSpec.Smoke.Step chat = filled.steps().get(1);
    assertEquals("https://production.example.com/greeting", greeting.url());
    assertEquals(Map.of("x-version", "v1.4.2"), greeting.headers(), "nothing captured {version} yet");
    assertEquals(Map.of("version", "/apiVersion"), greeting.capture());
    assertEquals("https://production.example.com/chat", chat.url());
    assertEquals(Map.of("x-version", "{version}"), chat.headers(), "greeting's capture, filled while the test runs");
    assertEquals(Map.of("/version", "{version}"), chat.expectJson());
    assertEquals("{\"s\":\"{sessionId}\"}", chat.body());
    assertEquals("backend", chat.bodyContains());
    assertEquals(TIMING, filled.timing());
  }

  @Test
  void commandCheckIsFilledInArgvWorkdirEnvAndOutput() {
    CheckSpec.Command spec = new CheckSpec.Command(List.of("./deploy.sh", "status", "{service}", "--tag={version}"),
        "/srv/{environment}", Map.of("TARGET", "{environment}", "TOKEN", "${DEPLOY_TOKEN}"), 0, "running {version}",
        TIMING);

    CheckSpec.Command filled = (CheckSpec.Command) CheckSpecs.fill(spec, DEPLOY);

    assertEquals(List.of("./deploy.sh", "status", "backend", "--tag=v1.4.2"), filled.argv());
    assertEquals("/srv/production", filled.workdir());
    assertEquals(Map.of("TARGET", "production", "TOKEN", "${DEPLOY_TOKEN}"), filled.env());
    assertEquals("running v1.4.2", filled.outputContains());
  }

  @Test
  void sqlAwsSecretAndEcsChecksAreFilled() {
    CheckSpec.Sql sql = (CheckSpec.Sql) CheckSpecs.fill(new CheckSpec.Sql("DATABASE_URL",
        "select version from releases where env = '{environment}'", 1, "{version}", TIMING), DEPLOY);
    assertEquals(new CheckSpec.Sql("DATABASE_URL", "select version from releases where env = 'production'", 1,
        "v1.4.2", TIMING), sql);

    assertEquals(new CheckSpec.AwsSecret("backend/production/LOG_TOKEN", "eu-west-1", TIMING),
        CheckSpecs.fill(new CheckSpec.AwsSecret("{service}/{environment}/LOG_TOKEN", "eu-west-1", TIMING), DEPLOY));

    assertEquals(new CheckSpec.EcsService("production-cluster", "backend-api", "eu-west-1", TIMING),
        CheckSpecs.fill(new CheckSpec.EcsService("{environment}-cluster", "{service}-api", "eu-west-1", TIMING), DEPLOY));
  }
}
