package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.Watch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir static Path dir;
  static PreflightConfig config;
  static PreflightConfig deploys;
  static PreflightConfig alerts;

  @BeforeAll
  static void load() throws IOException {
    Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(dir.resolve("preflight.yaml"), """
        signOffReaction: rocket
        roles:
          backend-lead: { users: [U0AAAAAA01, W0AAAAAA02] }
          sre: { groups: [S0AAAAAA01] }
        channels:
          deploys: C0AAAAAA01
          private-deploys: G0AAAAAA01
        checklists: [checklists, checklists/minimal.yaml]
        services:
          backend:
            environments:
              production: { checklist: full, channel: deploys }
              staging: { checklist: minimal }
        """);
    Files.writeString(dir.resolve("checklists/full.yaml"), """
        id: full
        title: Every kind of field
        channel: private-deploys
        waivers: [sre]
        signOff:
          requires:
            - { role: backend-lead, count: 2 }
            - { role: sre }
          allowRunStarter: true
        sections:
          - title: Automated
            items:
              - id: http-explicit
                title: Every http field
                blocker: true
                check:
                  kind: http
                  method: post
                  url: ${BASE_URL}/api/greeting
                  headers: { Content-Type: application/json, Authorization: "Bearer ${TOKEN}" }
                  body: '{"hello": "world"}'
                  expect:
                    status: [200, 201]
                    json: { /ok: true, /count: 3, /ratio: 0.5, /name: sti, /gone: null, /quoted: "7" }
                    bodyContains: sessionId
                    maxLatency: 2s
                  timeout: 1500ms
                  retries: 5
                  interval: 10s
              - id: http-defaults
                title: Only a url
                check: { kind: http, url: "https://example.com/health", expect: { status: 503 } }
              - id: sql-rows
                title: Table exists
                check: { kind: sql, databaseUrlEnv: KLK_DATABASE_URL, query: SELECT 1, expect: { rows: 0 } }
              - id: sql-value
                title: Migration version
                check: { kind: sql, databaseUrlEnv: KLK_DATABASE_URL, query: SELECT max(version), expect: { value: 12 } }
              - id: command-explicit
                title: Every command field
                check:
                  kind: command
                  argv: [./deploy.sh, status, 3]
                  workdir: /srv/app
                  env: { APP_ENV: staging }
                  expect: { exitCode: 3, outputContains: running }
              - id: command-defaults
                title: Only argv
                check: { kind: command, argv: [true] }
              - id: secret
                title: Secret exists
                check: { kind: aws-secret, secretId: prod/LOG_TOKEN, region: eu-west-1 }
              - id: secret-default-region
                title: Secret exists in the default region
                check: { kind: aws-secret, secretId: prod/OPENAI_API_KEY, timeout: 1m }
              - id: ecs
                title: Service stable
                check: { kind: ecs-service, cluster: fluxion-cluster, service: backend, region: us-east-1 }
          - title: Manual
            items:
              - { id: backup, title: Backup taken }
        """);
    Files.writeString(dir.resolve("checklists/minimal.yaml"), """
        id: minimal
        title: Nothing optional
        sections:
          - title: Only
            items:
              - { id: ticked, title: Ticked by hand }
        """);
    config = ConfigLoader.load(dir.resolve("preflight.yaml"));
    deploys = loadDeploys(dir.resolve("deploys"));
    alerts = loadAlerts(dir.resolve("alerts"));
  }

  /** Alert routes of every shape, and an environment watched after its deploys (seed 004). */
  static PreflightConfig loadAlerts(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("minimal.yaml"), """
        id: minimal
        title: Nothing optional
        sections: [{ title: Only, items: [{ id: ticked, title: Ticked by hand }] }]
        """);
    Files.writeString(folder.resolve("preflight.yaml"), """
        roles:
          sre: { users: [U0AAAAAA01] }
        channels:
          deploys: C0AAAAAA01
          alerts: C0AAAAAA02
          sti-alerts: C0AAAAAA03
        checklists: [minimal.yaml]
        alerts:
          routes:
            - source: alertmanager
              match: { service: sti-chat, env: production }
              service: sti-chat
              environment: production
              channel: sti-alerts
            - source: cloudwatch
              match: { alarmName: backend-5xx }
              service: backend
              environment: production
            - source: sentry
              match: { project: backend }
              service: backend
              environment: production
              channel: alerts
            - source: generic
              match: { code: 500, critical: true }
              service: backend
              environment: staging
            - service: sti-chat
              environment: production
        services:
          sti-chat:
            environments:
              production:
                checklist: minimal
                channel: deploys
                alertChannel: sti-alerts
                deployers: [sre]
                target: { command: { deploy: [./deploy.sh] } }
                verify:
                  smoke:
                    - { id: chat-flow, check: { kind: smoke, steps: [{ name: greeting, url: "${STI_URL}/api/greeting" }] } }
                watch: { every: 5m, for: 4h }
          backend:
            environments:
              production:
                checklist: minimal
                alertChannel: alerts
                deployers: [sre]
                target: { command: { deploy: [./deploy.sh] } }
                verify:
                  health:
                    - { id: backend-health, check: { kind: http, url: "${BACKEND_URL}/health" } }
                watch: { every: 10s, for: 10s }
              staging: { checklist: minimal, channel: deploys }
        """);
    return ConfigLoader.load(folder.resolve("preflight.yaml"));
  }

  /** Every deploy key written out in one environment of each target kind, and only the required ones in another. */
  static PreflightConfig loadDeploys(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("minimal.yaml"), """
        id: minimal
        title: Nothing optional
        sections: [{ title: Only, items: [{ id: ticked, title: Ticked by hand }] }]
        """);
    Files.writeString(folder.resolve("preflight.yaml"), """
        roles:
          sre: { users: [U0AAAAAA01] }
          backend-lead: { users: [U0AAAAAA02] }
        checklists: [minimal.yaml]
        services:
          backend:
            versionPattern: 'v[0-9]+\\.[0-9]+\\.[0-9]+'
            environments:
              production:
                checklist: minimal
                deployers: [sre, backend-lead]
                autoLaunch: true
                target:
                  ecs:
                    cluster: fluxion-cluster
                    service: backend-{environment}
                    container: backend
                    taskDefinition: backend-task:23
                    region: us-east-1
                    timeout: 20m
                verify:
                  health:
                    - id: backend-health
                      title: Backend answers
                      check: { kind: http, url: "${BACKEND_URL}/health", retries: 5, interval: 10s }
                  smoke:
                    - id: chat-flow
                      check:
                        kind: smoke
                        timeout: 20s
                        retries: 1
                        steps:
                          - name: greeting
                            method: post
                            url: ${BACKEND_URL}/api/greeting
                            headers: { Content-Type: application/json }
                            body: '{}'
                            expect: { status: [200, 201], json: { /ok: true }, bodyContains: sessionId, maxLatency: 1s }
                            capture: { sessionId: /sessionId, csrf: /csrfToken }
                          - name: chat
                            method: POST
                            url: ${BACKEND_URL}/api/chat?v={version}
                            headers: { X-Csrf: "{csrf}" }
                            body: '{"sessionId":"{sessionId}"}'
                            expect: { json: { /session: "{sessionId}" }, maxLatency: 2s }
                abort:
                  on: [health, chat-flow]
                  rollback: automatic
              staging:
                checklist: minimal
                deployers: [sre]
                target:
                  ecs: { cluster: fluxion-cluster, service: backend-staging, container: backend }
          worker:
            environments:
              production:
                checklist: minimal
                deployers: [sre]
                target:
                  command:
                    deploy: [./deploy.sh, deploy, "{service}", "{version}"]
                    rollback: [./deploy.sh, rollback, "{version}"]
                    env: { APP_ENV: "{environment}", TOKEN: "${DEPLOY_TOKEN}" }
                    workdir: /srv/worker
                    timeout: 25m
                abort: { rollback: manual }
              staging:
                checklist: minimal
                deployers: [sre]
                target: { command: { deploy: [./deploy.sh] } }
          web:
            environments:
              production:
                checklist: minimal
                deployers: [sre]
                target:
                  github-actions:
                    owner: acme
                    repo: web
                    workflow: deploy.yml
                    ref: release/{version}
                    inputs: { version: "{version}", environment: "{environment}", dry_run: false }
                    token: ${GITHUB_TOKEN}
                    apiUrl: https://github.example.com/api/v3/
                    timeout: 45m
              staging:
                checklist: minimal
                deployers: [sre]
                target:
                  github-actions: { owner: acme, repo: web, workflow: "1234", token: "${GITHUB_TOKEN}" }
          docs:
            environments:
              production: { checklist: minimal }
        """);
    return ConfigLoader.load(folder.resolve("preflight.yaml"));
  }

  @Test
  void configLevelFields() {
    assertEquals(dir.resolve("preflight.yaml").toString(), config.source());
    assertEquals("rocket", config.signOffReaction());
    assertEquals(new Role("backend-lead", List.of("U0AAAAAA01", "W0AAAAAA02"), List.of()), config.roles().get("backend-lead"));
    assertEquals(new Role("sre", List.of(), List.of("S0AAAAAA01")), config.roles().get("sre"));
    assertEquals(Map.of("deploys", "C0AAAAAA01", "private-deploys", "G0AAAAAA01"), config.channels());
    assertEquals(Set.of("full", "minimal"), config.checklists().keySet());
  }

  @Test
  void servicesAndEnvironments() {
    Map<String, Service.Environment> environments = config.services().get("backend").environments();
    assertEquals(new Service.Environment("production", "full", "deploys"), environments.get("production"));
    assertEquals(new Service.Environment("staging", "minimal", null), environments.get("staging"));
  }

  @Test
  void checklistLevelFields() {
    Checklist full = config.checklist("full").orElseThrow();
    assertEquals("Every kind of field", full.title());
    assertEquals("checklists/full.yaml", full.source());
    assertEquals("private-deploys", full.channel());
    assertEquals(List.of("sre"), full.waiverRoles());
    assertEquals(new SignOffRule(List.of(new SignOffRequirement("backend-lead", 2), new SignOffRequirement("sre", 1)), true),
        full.signOff());
    assertEquals(List.of("Automated", "Manual"), full.sections().stream().map(s -> s.title()).toList());
    assertEquals(10, full.itemCount());
  }

  @Test
  void checklistDefaults() {
    Checklist minimal = config.checklist("minimal").orElseThrow();
    assertEquals(SignOffRule.NONE, minimal.signOff());
    assertEquals(List.of(), minimal.waiverRoles());
    assertNull(minimal.channel());
    assertEquals(new Item("ticked", "Ticked by hand", false, null), minimal.item("ticked").orElseThrow());
    assertFalse(minimal.item("ticked").orElseThrow().automated());
  }

  @Test
  void everyHttpField() {
    Item item = item("http-explicit");
    assertTrue(item.blocker());
    CheckSpec.Http http = assertInstanceOf(CheckSpec.Http.class, item.check());
    assertEquals("POST", http.method());
    assertEquals("${BASE_URL}/api/greeting", http.url());
    assertEquals(Map.of("Content-Type", "application/json", "Authorization", "Bearer ${TOKEN}"), http.headers());
    assertEquals("{\"hello\": \"world\"}", http.body());
    assertEquals(List.of(200, 201), http.expectStatus());
    Map<String, Object> json = new HashMap<>();
    json.put("/ok", true);
    json.put("/count", 3L);
    json.put("/ratio", 0.5);
    json.put("/name", "sti");
    json.put("/gone", null);
    json.put("/quoted", "7");
    assertEquals(json, http.expectJson());
    assertEquals(List.of("/ok", "/count", "/ratio", "/name", "/gone", "/quoted"), List.copyOf(http.expectJson().keySet()));
    assertEquals("sessionId", http.bodyContains());
    assertEquals(Duration.ofSeconds(2), http.maxLatency());
    assertEquals(new CheckSpec.Timing(Duration.ofMillis(1500), 5, Duration.ofSeconds(10)), http.timing());
  }

  @Test
  void httpDefaults() {
    CheckSpec.Http http = assertInstanceOf(CheckSpec.Http.class, item("http-defaults").check());
    assertEquals("GET", http.method());
    assertEquals(Map.of(), http.headers());
    assertNull(http.body());
    assertEquals(List.of(503), http.expectStatus());
    assertEquals(Map.of(), http.expectJson());
    assertNull(http.bodyContains());
    assertNull(http.maxLatency());
    assertEquals(new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ofSeconds(5)), http.timing());
  }

  @Test
  void sqlExpectsRowsOrValue() {
    assertEquals(new CheckSpec.Sql("KLK_DATABASE_URL", "SELECT 1", 0, null,
            new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ofSeconds(5))),
        item("sql-rows").check());
    CheckSpec.Sql value = assertInstanceOf(CheckSpec.Sql.class, item("sql-value").check());
    assertNull(value.expectRows());
    assertEquals("12", value.expectValue());
  }

  @Test
  void commandFieldsAndDefaults() {
    assertEquals(new CheckSpec.Command(List.of("./deploy.sh", "status", "3"), "/srv/app", Map.of("APP_ENV", "staging"), 3, "running",
            new CheckSpec.Timing(Duration.ofSeconds(60), 0, Duration.ofSeconds(5))),
        item("command-explicit").check());
    assertEquals(new CheckSpec.Command(List.of("true"), null, Map.of(), 0, null,
            new CheckSpec.Timing(Duration.ofSeconds(60), 0, Duration.ofSeconds(5))),
        item("command-defaults").check());
  }

  @Test
  void awsKinds() {
    CheckSpec.Timing defaults = new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ofSeconds(5));
    assertEquals(new CheckSpec.AwsSecret("prod/LOG_TOKEN", "eu-west-1", defaults), item("secret").check());
    assertEquals(new CheckSpec.AwsSecret("prod/OPENAI_API_KEY", null,
        new CheckSpec.Timing(Duration.ofMinutes(1), 0, Duration.ofSeconds(5))), item("secret-default-region").check());
    assertEquals(new CheckSpec.EcsService("fluxion-cluster", "backend", "us-east-1", defaults), item("ecs").check());
  }

  @Test
  void configWithoutOptionalSectionsUsesDefaults(@TempDir Path other) throws IOException {
    Files.writeString(other.resolve("only.yaml"), "id: only\ntitle: Only\nsections: [{ title: S, items: [{ id: a, title: A }] }]\n");
    Files.writeString(other.resolve("preflight.yaml"), "checklists: [only.yaml]\n");

    PreflightConfig minimal = ConfigLoader.load(other.resolve("preflight.yaml"));

    assertEquals(PreflightConfig.DEFAULT_SIGN_OFF_REACTION, minimal.signOffReaction());
    assertEquals(Map.of(), minimal.roles());
    assertEquals(Map.of(), minimal.channels());
    assertEquals(Map.of(), minimal.services());
    assertEquals("only.yaml", minimal.checklist("only").orElseThrow().source());
  }

  @Test
  void yamlAliasesAndMergeKeysAreRead(@TempDir Path other) throws IOException {
    Files.writeString(other.resolve("c.yaml"), """
        id: merged
        title: Merged
        sections:
          - title: S
            items:
              - { id: a, title: A, check: &health { kind: http, url: "https://a/health", retries: 3 } }
              - id: b
                title: B
                check:
                  <<: *health
                  url: https://b/health
        """);

    Checklist checklist = ConfigLoader.loadChecklist(other.resolve("c.yaml"));

    CheckSpec.Http b = assertInstanceOf(CheckSpec.Http.class, checklist.item("b").orElseThrow().check());
    assertEquals("https://b/health", b.url());
    assertEquals(3, b.timing().retries());
  }

  @Test
  void validConfigValidatesClean() {
    assertEquals(List.of(), ConfigLoader.validate(dir.resolve("preflight.yaml")));
  }

  @Test
  void exceptionCarriesEveryErrorInItsMessage(@TempDir Path other) throws IOException {
    Files.writeString(other.resolve("preflight.yaml"), "checklists: [missing]\nroles: { sre: {} }\n");

    ConfigException thrown = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ConfigLoader.load(other.resolve("preflight.yaml")));

    assertEquals(2, thrown.errors().size());
    assertEquals(thrown.errors().stream().map(ConfigError::toString).toList(), Arrays.asList(thrown.getMessage().split("\n")));
  }

  @Test
  void ecsTargetWithEveryField() {
    Service.Environment production = environment("backend", "production");
    assertEquals(new Target.Ecs("fluxion-cluster", "backend-{environment}", "backend", "backend-task:23", "us-east-1",
        Duration.ofMinutes(20)), production.target());
    assertEquals(List.of("sre", "backend-lead"), production.deployers());
    assertTrue(production.autoLaunch());
    assertTrue(production.deployable());
    assertEquals("v[0-9]+\\.[0-9]+\\.[0-9]+", deploys.services().get("backend").versionPattern().pattern());
  }

  @Test
  void ecsTargetDefaults() {
    Service.Environment staging = environment("backend", "staging");
    assertEquals(new Target.Ecs("fluxion-cluster", "backend-staging", "backend", null, null, Duration.ofMinutes(15)),
        staging.target());
    assertFalse(staging.autoLaunch());
    assertEquals(Verification.NONE, staging.verify());
    assertEquals(AbortRule.DEFAULT, staging.abort());
  }

  @Test
  void verificationChecksKeepTheirListAndOrder() {
    Verification verify = environment("backend", "production").verify();
    assertEquals(List.of(new Verification.VerifyCheck("backend-health", "Backend answers", Verification.Kind.HEALTH,
            new CheckSpec.Http("GET", "${BACKEND_URL}/health", Map.of(), null, List.of(200), Map.of(), null, null,
                new CheckSpec.Timing(Duration.ofSeconds(10), 5, Duration.ofSeconds(10))))),
        verify.health());
    Verification.VerifyCheck smoke = verify.smoke().get(0);
    assertEquals("chat-flow", smoke.id());
    assertEquals("chat-flow", smoke.title(), "the title defaults to the id");
    assertEquals(Verification.Kind.SMOKE, smoke.kind());
  }

  @Test
  void smokeStepsWithCapturesAndTheirTiming() {
    CheckSpec.Smoke smoke = assertInstanceOf(CheckSpec.Smoke.class,
        environment("backend", "production").verify().smoke().get(0).check());
    assertEquals(new CheckSpec.Timing(Duration.ofSeconds(20), 1, Duration.ofSeconds(5)), smoke.timing());
    assertEquals(List.of(
        new CheckSpec.Smoke.Step("greeting", "POST", "${BACKEND_URL}/api/greeting", Map.of("Content-Type", "application/json"),
            "{}", List.of(200, 201), Map.of("/ok", true), "sessionId", Duration.ofSeconds(1),
            Map.of("sessionId", "/sessionId", "csrf", "/csrfToken")),
        new CheckSpec.Smoke.Step("chat", "POST", "${BACKEND_URL}/api/chat?v={version}", Map.of("X-Csrf", "{csrf}"),
            "{\"sessionId\":\"{sessionId}\"}", List.of(200), Map.of("/session", "{sessionId}"), null, Duration.ofSeconds(2),
            Map.of())),
        smoke.steps());
    assertEquals(List.of("sessionId", "csrf"), List.copyOf(smoke.steps().get(0).capture().keySet()));
  }

  @Test
  void abortRuleNamesGroupsAndChecks() {
    assertEquals(new AbortRule(Set.of("health", "chat-flow"), true), environment("backend", "production").abort());
    assertEquals(new AbortRule(AbortRule.DEFAULT.on(), false), environment("worker", "production").abort(),
        "without on:, the default criteria");
  }

  @Test
  void commandTargetWithEveryFieldAndDefaults() {
    assertEquals(new Target.Command(List.of("./deploy.sh", "deploy", "{service}", "{version}"),
            List.of("./deploy.sh", "rollback", "{version}"), Map.of("APP_ENV", "{environment}", "TOKEN", "${DEPLOY_TOKEN}"),
            "/srv/worker", Duration.ofMinutes(25)),
        environment("worker", "production").target());
    assertEquals(new Target.Command(List.of("./deploy.sh"), List.of(), Map.of(), null, Duration.ofMinutes(10)),
        environment("worker", "staging").target());
  }

  @Test
  void githubActionsTargetWithEveryFieldAndDefaults() {
    Target.GithubActions production = assertInstanceOf(Target.GithubActions.class, environment("web", "production").target());
    assertEquals(new Target.GithubActions("https://github.example.com/api/v3", "${GITHUB_TOKEN}", "acme", "web", "deploy.yml",
        "release/{version}", Map.of("version", "{version}", "environment", "{environment}", "dry_run", "false"),
        Duration.ofMinutes(45)), production);
    assertEquals(List.of("version", "environment", "dry_run"), List.copyOf(production.inputs().keySet()));
    assertEquals(new Target.GithubActions(Target.GithubActions.DEFAULT_API_URL, "${GITHUB_TOKEN}", "acme", "web", "1234",
        "main", Map.of(), Duration.ofMinutes(30)), environment("web", "staging").target());
  }

  @Test
  void environmentWithoutTargetOnlyRunsItsChecklist() {
    Service docs = deploys.services().get("docs");
    assertEquals(new Service.Environment("production", "minimal", null), docs.environments().get("production"));
    assertFalse(docs.environments().get("production").deployable());
    assertEquals(Service.DEFAULT_VERSION_PATTERN.pattern(), docs.versionPattern().pattern());
  }

  @Test
  void alertRoutesKeepTheirOrder() {
    assertEquals(List.of(
            new AlertRoute("alertmanager", Map.of("service", "sti-chat", "env", "production"), "sti-chat", "production",
                "sti-alerts"),
            new AlertRoute("cloudwatch", Map.of("alarmName", "backend-5xx"), "backend", "production", null),
            new AlertRoute("sentry", Map.of("project", "backend"), "backend", "production", "alerts"),
            new AlertRoute("generic", Map.of("code", "500", "critical", "true"), "backend", "staging", null),
            new AlertRoute(null, Map.of(), "sti-chat", "production", null)),
        alerts.alertRoutes());
  }

  @Test
  void environmentAlertChannelAndWatch() {
    Service.Environment sti = alerts.services().get("sti-chat").environments().get("production");
    assertEquals("sti-alerts", sti.alertChannel());
    assertEquals("sti-alerts", sti.alertChannelOrDefault());
    assertEquals(new Watch(Duration.ofMinutes(5), Duration.ofHours(4)), sti.watch());
    assertEquals(new Watch(Duration.ofSeconds(10), Duration.ofSeconds(10)),
        alerts.services().get("backend").environments().get("production").watch(), "the shortest watch: one round of 10s");
  }

  @Test
  void withoutAlertsOrWatchTheDefaults() {
    assertEquals(List.of(), config.alertRoutes());
    assertEquals(List.of(), deploys.alertRoutes());
    Service.Environment production = environment("backend", "production");
    assertNull(production.watch());
    assertNull(production.alertChannel());
    Service.Environment staging = alerts.services().get("backend").environments().get("staging");
    assertNull(staging.alertChannel());
    assertEquals("deploys", staging.alertChannelOrDefault(), "alerts go to the environment's channel");
    assertNull(staging.watch());
  }

  private static Service.Environment environment(String service, String name) {
    return deploys.services().get(service).environments().get(name);
  }

  private static Item item(String id) {
    return config.checklist("full").orElseThrow().item(id).orElseThrow();
  }
}
