package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad config a team is likely to write, and the exact error each produces. The config
 * is written to preflight.yaml and the checklist to checklists/release.yaml; errors are
 * compared with the temporary folder's path taken off.
 */
class ConfigErrorsTest {

  static final String CONFIG = """
      roles:
        lead: { users: [U0AAAAAA01] }
        sre: { users: [U0AAAAAA02], groups: [S0AAAAAA01] }
      channels:
        deploys: C0AAAAAA01
      checklists: [checklists]
      services:
        api:
          environments:
            production: { checklist: api-release, channel: deploys }
      """;

  static final String CHECKLIST = """
      id: api-release
      title: API release
      signOff:
        requires:
          - { role: lead, count: 1 }
      sections:
        - title: Checks
          items:
            - id: health
              title: Health
              check: { kind: http, url: "https://api.example.com/health" }
      """;

  /** A checklist whose single item is {@code item}, indented as an element of items:. */
  static String withItem(String item) {
    return """
        id: api-release
        title: API release
        sections:
          - title: Checks
            items:
        """ + item.indent(6);
  }

  /** The config with one environment, production of api, whose keys are {@code body}; its first line is line 11. */
  static String withEnvironment(String body) {
    return """
        roles:
          lead: { users: [U0AAAAAA01] }
          sre: { users: [U0AAAAAA02], groups: [S0AAAAAA01] }
        channels:
          deploys: C0AAAAAA01
        checklists: [checklists]
        services:
          api:
            environments:
              production:
        """ + body.indent(8);
  }

  /** An environment deployed by a command, with {@code rest} added; its first line is line 11. */
  static String withCommandTarget(String rest) {
    return withEnvironment("""
        checklist: api-release
        deployers: [sre]
        target:
          command:
            deploy: [./deploy.sh, deploy, "{version}"]
            rollback: [./deploy.sh, rollback, "{version}"]
        """ + rest);
  }

  /** The config whose api service has {@code versionPattern}, at line 9. */
  static String withVersionPattern(String pattern) {
    return CONFIG.replace("  api:\n", "  api:\n    versionPattern: '" + pattern + "'\n");
  }

  static Stream<Arguments> badDeployConfigs() {
    String env = "preflight.yaml:%d: services.api.environments.production.";
    return Stream.of(
        bad("unknown target kind", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              kubernetes: { namespace: api }
            """), CHECKLIST,
            env.formatted(14) + "target.kubernetes: unknown target `kubernetes` (known targets: command, ecs, github-actions)"),
        bad("target kind misspelt", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { ecss: { cluster: main, service: api, container: app } }
            """), CHECKLIST,
            env.formatted(13) + "target.ecss: unknown target `ecss` (did you mean `ecs`?)"),
        bad("a target's field written straight under target", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { cluster: main }
            """), CHECKLIST,
            env.formatted(13) + "target.cluster: unknown target `cluster` (put it inside its kind: target: { ecs: { cluster: … } })"),
        bad("two targets", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              ecs: { cluster: main, service: api, container: app }
              command: { deploy: [./deploy.sh] }
            """), CHECKLIST,
            env.formatted(14) + "target: sets more than one target: `ecs`, `command` (an environment deploys one way: keep one of them)"),
        bad("empty target", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: {}
            """), CHECKLIST,
            env.formatted(13) + "target: needs one of ecs, command or github-actions (write target: { ecs: { cluster: my-cluster, service: my-service, container: app } })"),
        bad("a target without deployers", withEnvironment("""
            checklist: api-release
            target: { command: { deploy: [./deploy.sh] } }
            """), CHECKLIST,
            env.formatted(11) + "deployers: required (an environment with a target needs deployers: [sre], the roles that may deploy and roll back)"),
        bad("a target with an empty deployers list", withEnvironment("""
            checklist: api-release
            deployers: []
            target: { command: { deploy: [./deploy.sh] } }
            """), CHECKLIST,
            env.formatted(12) + "deployers: must not be empty (an environment with a target needs deployers: [sre], the roles that may deploy and roll back)"),
        bad("unknown deployer role", withEnvironment("""
            checklist: api-release
            deployers: [sre, leed]
            """), CHECKLIST,
            env.formatted(12) + "deployers[1]: unknown role `leed` (did you mean `lead`?)"),
        bad("unknown environment key", withEnvironment("""
            checklist: api-release
            deployer: [sre]
            """), CHECKLIST,
            env.formatted(12) + "deployer: unknown key (did you mean `deployers`?)"),
        bad("autoLaunch yes", withEnvironment("""
            checklist: api-release
            autoLaunch: yes
            """), CHECKLIST,
            env.formatted(12) + "autoLaunch: expected true or false, found `yes` (write autoLaunch: true)"),
        bad("deploy command as a string", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: ./deploy.sh deploy } }
            """), CHECKLIST,
            env.formatted(13) + "target.command.deploy: expected a list, found a string (deploy is a list: [\"./deploy.sh\", \"deploy\", \"{version}\"] — it is never run through a shell)"),
        bad("rollback command as a string", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: [./deploy.sh, deploy], rollback: "./deploy.sh rollback" } }
            """), CHECKLIST,
            env.formatted(13) + "target.command.rollback: expected a list, found a string (rollback is a list: [\"./deploy.sh\", \"rollback\"] — it is never run through a shell)"),
        bad("previousVersion command as a string", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: [./deploy.sh], rollback: [./deploy.sh], previousVersion: ./deploy.sh current } }
            """), CHECKLIST,
            env.formatted(13) + "target.command.previousVersion: expected a list, found a string (previousVersion is a list: [\"./deploy.sh\", \"current\"] — its last line of output is the version running now)"),
        bad("previousVersion without a rollback command", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: [./deploy.sh], previousVersion: [./deploy.sh, current] } }
            """), CHECKLIST,
            env.formatted(13) + "target.command.previousVersion: needs a rollback command: the version it reads is what a rollback restores (add rollback: [\"./deploy.sh\", \"rollback\"])"),
        bad("unknown placeholder in argv, with a suggestion", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: [./deploy.sh, "{verison}"] } }
            """), CHECKLIST,
            env.formatted(13) + "target.command.deploy[1]: unknown placeholder `{verison}` (did you mean `{version}`?)"),
        bad("unknown placeholder in workflow inputs", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              github-actions:
                owner: acme
                repo: api
                workflow: deploy.yml
                token: ${GITHUB_TOKEN}
                inputs: { tag: "{version}", region: "{region}", body: '{"a": 1}' }
            """), CHECKLIST,
            env.formatted(19) + "target.github-actions.inputs.region: unknown placeholder `{region}` (the placeholders are {service}, {version} and {environment})"),
        bad("ecs without container or taskDefinition", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              ecs: { cluster: main, service: api }
            """), CHECKLIST,
            env.formatted(14) + "target.ecs.container: required (write container: app, the container whose image tag becomes the version; or give taskDefinition: to deploy one as it is)"),
        bad("ecs with a bad region and a zero timeout", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              ecs:
                cluster: main
                service: api
                container: app
                region: virginia
                timeout: 0s
            """), CHECKLIST,
            env.formatted(18) + "target.ecs.region: `virginia` is not an AWS region (write region: us-east-1, or leave it out for the default region)",
            env.formatted(19) + "target.ecs.timeout: must be longer than 0 (write timeout: 15m)"),
        bad("a literal GitHub token, never echoed", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              github-actions: { owner: acme, repo: api, workflow: deploy.yml, token: ghp_0123456789abcdef }
            """), CHECKLIST,
            env.formatted(14) + "target.github-actions.token: a token must not be written into the config (put the token in an environment variable and write token: ${GITHUB_TOKEN})"),
        bad("a GitHub token with more than a reference", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              github-actions: { owner: acme, repo: api, workflow: deploy.yml, token: "Bearer ${GITHUB_TOKEN}" }
            """), CHECKLIST,
            env.formatted(14) + "target.github-actions.token: must be a ${NAME} reference and nothing else (write token: ${GITHUB_TOKEN})"),
        bad("GitHub target without a token, with a bad owner and API URL", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target:
              github-actions:
                owner: acme/api
                repo: api
                workflow: deploy.yml
                apiUrl: github.example.com/api/v3
            """), CHECKLIST,
            env.formatted(15) + "target.github-actions.owner: `acme/api` is not a GitHub user or organisation name (use letters, digits and -)",
            env.formatted(15) + "target.github-actions.token: required (write token: ${GITHUB_TOKEN})",
            env.formatted(18) + "target.github-actions.apiUrl: `github.example.com/api/v3` is not an http:// or https:// URL (write apiUrl: https://github.example.com/api/v3)"),
        bad("unknown key in a target", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: [./deploy.sh], workDir: /srv } }
            """), CHECKLIST,
            env.formatted(13) + "target.command.workDir: unknown key (did you mean `workdir`?)"),
        bad("duplicate verify id across health and smoke", withCommandTarget("""
            verify:
              health:
                - { id: api-up, check: { kind: http, url: "https://api/health" } }
              smoke:
                - { id: api-up, check: { kind: smoke, steps: [{ name: ping, url: "https://api/ping" }] } }
            """), CHECKLIST,
            env.formatted(21) + "verify.smoke[0].id: duplicate verify id `api-up` (already used at line 19)"),
        bad("a verify id that names a group", withCommandTarget("""
            verify:
              health:
                - { id: health, check: { kind: http, url: "https://api/health" } }
            """), CHECKLIST,
            env.formatted(19) + "verify.health[0].id: `health` is reserved (abort.on uses deploy, health and smoke for whole groups: choose another id)"),
        bad("a verify entry without its check", withCommandTarget("""
            verify:
              health:
                - { id: api-up, title: API answers }
            """), CHECKLIST,
            env.formatted(19) + "verify.health[0].check: required (write check: { kind: http, url: \"${BACKEND_URL}/health\" })"),
        bad("unknown key in verify", withCommandTarget("""
            verify:
              helth: []
            """), CHECKLIST,
            env.formatted(18) + "verify.helth: unknown key (did you mean `health`?)"),
        bad("unknown abort criterion, with a suggestion", withCommandTarget("""
            verify:
              health:
                - { id: api-up, check: { kind: http, url: "https://api/health" } }
            abort:
              on: [deploy, api-upp]
            """), CHECKLIST,
            env.formatted(21) + "abort.on[1]: unknown abort criterion `api-upp` (did you mean `api-up`?)"),
        bad("unknown abort criterion, listing the known ones", withCommandTarget("""
            verify:
              health:
                - { id: api-up, check: { kind: http, url: "https://api/health" } }
            abort: { on: [latency] }
            """), CHECKLIST,
            env.formatted(20) + "abort.on[0]: unknown abort criterion `latency` (known criteria: api-up, deploy, health, smoke)"),
        bad("abort rollback neither automatic nor manual", withCommandTarget("""
            abort: { rollback: yes }
            """), CHECKLIST,
            env.formatted(17) + "abort.rollback: expected automatic or manual, found `yes` (write rollback: automatic to roll back by itself, or rollback: manual to leave it to a person)"),
        bad("automatic rollback without a rollback command", withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { command: { deploy: [./deploy.sh] } }
            abort: { rollback: automatic }
            """), CHECKLIST,
            env.formatted(14) + "abort.rollback: an automatic rollback needs a rollback command (add rollback: [\"./deploy.sh\", \"rollback\"] to target.command)"),
        bad("a version pattern that is not a regex", withVersionPattern("v[0-9+"), CHECKLIST,
            "preflight.yaml:9: services.api.versionPattern: `v[0-9+` is not a valid regular expression: Unclosed character class (Java regex syntax, e.g. versionPattern: 'v[0-9]+\\.[0-9]+\\.[0-9]+')"),
        bad("a version pattern that accepts a;b", withVersionPattern(".+"), CHECKLIST,
            "preflight.yaml:9: services.api.versionPattern: `.+` lets a shell metacharacter into a version, e.g. `a;b` (" + VersionPatterns.HINT + ")"),
        bad("a version pattern that accepts a space", withVersionPattern("[a-z ]+"), CHECKLIST,
            "preflight.yaml:9: services.api.versionPattern: `[a-z ]+` lets a shell metacharacter into a version, e.g. `a b` (" + VersionPatterns.HINT + ")"),
        bad("a version pattern that accepts $(x)", withVersionPattern("[a-z$()]+"), CHECKLIST,
            "preflight.yaml:9: services.api.versionPattern: `[a-z$()]+` lets a shell metacharacter into a version, e.g. `$(x)` (" + VersionPatterns.HINT + ")"),
        bad("a version pattern whose unsafe part is deep inside", withVersionPattern("v[0-9]+\\.[0-9]+(-.*)?"), CHECKLIST,
            "preflight.yaml:9: services.api.versionPattern: `v[0-9]+\\.[0-9]+(-.*)?` lets a shell metacharacter into a version, e.g. `v0.0-;` (" + VersionPatterns.HINT + ")"),
        bad("unknown service key", CONFIG.replace("  api:\n", "  api:\n    versionPatern: 'v[0-9]+'\n"), CHECKLIST,
            "preflight.yaml:9: services.api.versionPatern: unknown key (did you mean `versionPattern`?)"),
        bad("smoke step using a value nobody captured", CONFIG, withItem("""
            - id: chat
              title: Chat flow
              check:
                kind: smoke
                steps:
                  - { name: greeting, method: POST, url: "https://api/greeting", capture: { sessionId: /sessionId } }
                  - { name: validate, method: POST, url: "https://api/validate", body: '{"sessionId":"{sesionId}"}' }
                  - name: chat
                    url: "https://api/chat?user={userId}&v={version}"
                    headers: { X-Session: "{sessionId}" }
            """),
            "checklists/release.yaml:12: sections[0].items[0].check.steps[1].body: step `validate` uses `{sesionId}`, which no earlier step captures (did you mean `{sessionId}`?)",
            "checklists/release.yaml:14: sections[0].items[0].check.steps[2].url: step `chat` uses `{userId}`, which no earlier step captures (capture it in an earlier step: capture: { userId: /userId })"),
        bad("smoke step using what it captures itself", CONFIG, withItem("""
            - id: chat
              title: Chat flow
              check:
                kind: smoke
                steps:
                  - { name: greeting, url: "https://api/greeting?s={sessionId}", capture: { sessionId: /sessionId } }
            """),
            "checklists/release.yaml:11: sections[0].items[0].check.steps[0].url: step `greeting` uses `{sessionId}`, which no earlier step captures (capture it in an earlier step: capture: { sessionId: /sessionId })"),
        bad("smoke steps with the same name", CONFIG, withItem("""
            - id: chat
              title: Chat flow
              check:
                kind: smoke
                steps:
                  - { name: ping, url: "https://api/ping" }
                  - { name: ping, url: "https://api/ping" }
            """),
            "checklists/release.yaml:12: sections[0].items[0].check.steps[1].name: duplicate step name `ping` (already used at line 11)"),
        bad("smoke capture of a deploy placeholder, and not a pointer", CONFIG, withItem("""
            - id: chat
              title: Chat flow
              check:
                kind: smoke
                steps:
                  - { name: ping, url: "https://api/ping", capture: { version: /version, session: sessionId } }
            """),
            "checklists/release.yaml:11: sections[0].items[0].check.steps[0].capture.version: `version` is filled by every deploy (capture it under another name)",
            "checklists/release.yaml:11: sections[0].items[0].check.steps[0].capture.session: `sessionId` is not a JSON pointer (write /sessionId for a top-level field)"),
        bad("smoke without steps", CONFIG, withItem("""
            - id: chat
              title: Chat flow
              check: { kind: smoke, timeout: 20s }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.steps: required (write steps: [{ name: greeting, method: POST, url: \"${BASE_URL}/api/greeting\" }])"),
        bad("smoke step with an http check's unknown key", CONFIG, withItem("""
            - id: chat
              title: Chat flow
              check:
                kind: smoke
                steps:
                  - { name: ping, url: "https://api/ping", retries: 3 }
            """),
            "checklists/release.yaml:11: sections[0].items[0].check.steps[0].retries: unknown key (known keys: body, capture, expect, headers, method, name, url)"));
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        bad("unknown key with a suggestion", CONFIG, withItem("""
            - id: health
              title: Health
              blockr: true
            """),
            "checklists/release.yaml:8: sections[0].items[0].blockr: unknown key (did you mean `blocker`?)"),
        bad("unknown key without a close match lists the known keys", CONFIG, withItem("""
            - id: health
              title: Health
              owner: sre
            """),
            "checklists/release.yaml:8: sections[0].items[0].owner: unknown key (known keys: blocker, check, id, title)"),
        bad("unknown top-level key in the config", CONFIG.replace("services:", "service:"), CHECKLIST,
            "preflight.yaml:7: service: unknown key (did you mean `services`?)"),
        bad("wrong type: a string where a list is expected", CONFIG, CHECKLIST.replace("signOff:", "waivers: sre\nsignOff:"),
            "checklists/release.yaml:3: waivers: expected a list, found a string (write waivers: [sre])"),
        bad("wrong type: a role's users as a string", CONFIG.replace("users: [U0AAAAAA01]", "users: U0AAAAAA01"), CHECKLIST,
            "preflight.yaml:2: roles.lead.users: expected a list, found a string (write users: [U0AAAAAA1])"),
        bad("wrong type: a mapping where a string is expected", CONFIG, CHECKLIST.replace("title: API release", "title: { text: API }"),
            "checklists/release.yaml:2: title: expected a string, found a mapping (write title: KLK v2.0 pre-deploy)"),
        bad("missing required title", CONFIG, withItem("""
            - id: health
            """),
            "checklists/release.yaml:6: sections[0].items[0].title: required (write title: Backup taken)"),
        bad("missing required url", CONFIG, withItem("""
            - id: health
              title: Health
              check:
                kind: http
                method: GET
            """),
            "checklists/release.yaml:9: sections[0].items[0].check.url: required (write url: https://host/health)"),
        bad("missing checklists in the config", CONFIG.replace("checklists: [checklists]\n", ""), CHECKLIST,
            "preflight.yaml:1: checklists: required (write checklists: [checklists], a list of files or folders)"),
        bad("unknown role in signOff", CONFIG, CHECKLIST.replace("role: lead", "role: leed"),
            "checklists/release.yaml:5: signOff.requires[0].role: unknown role `leed` (did you mean `lead`?)"),
        bad("unknown role in waivers", CONFIG, CHECKLIST.replace("signOff:", "waivers: [sre, qa]\nsignOff:"),
            "checklists/release.yaml:3: waivers[1]: unknown role `qa` (known roles: lead, sre)"),
        bad("unknown checklist id", CONFIG.replace("checklist: api-release", "checklist: api-relase"), CHECKLIST,
            "preflight.yaml:10: services.api.environments.production.checklist: unknown checklist `api-relase` (did you mean `api-release`?)"),
        bad("unknown channel in a checklist", CONFIG, CHECKLIST.replace("signOff:", "channel: releases\nsignOff:"),
            "checklists/release.yaml:3: channel: unknown channel `releases` (known channels: deploys)"),
        bad("unknown channel in an environment", CONFIG.replace("channel: deploys", "channel: deploy"), CHECKLIST,
            "preflight.yaml:10: services.api.environments.production.channel: unknown channel `deploy` (did you mean `deploys`?)"),
        bad("duplicate item id", CONFIG, withItem("""
            - { id: health, title: Health }
            - { id: health, title: Health again }
            """),
            "checklists/release.yaml:7: sections[0].items[1].id: duplicate item id `health` (already used at line 6)"),
        bad("invalid item id", CONFIG, withItem("""
            - { id: Health_Check, title: Health }
            """),
            "checklists/release.yaml:6: sections[0].items[0].id: `Health_Check` is not a valid id (use lowercase letters, digits and -, starting with a letter or digit)"),
        bad("bad ${} name", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://${api-host}/health" }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.url: `${api-host}` is not a valid environment variable name (use letters, digits and _, not starting with a digit: ${API_HOST})"),
        bad("unclosed ${", CONFIG, withItem("""
            - { id: health, title: "Health of ${API_HOST" }
            """),
            "checklists/release.yaml:6: sections[0].items[0].title: a `${` is not closed (write ${NAME})"),
        bad("bad duration", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://api/health", timeout: 10 seconds }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.timeout: `10 seconds` is not a duration (write a whole number and a unit: 500ms, 10s, 5m or 4h)"),
        bad("bare-number duration", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://api/health", interval: 30 }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.interval: `30` has no unit (write 30s for seconds; units are ms, s, m and h)"),
        bad("zero timeout", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://api/health", timeout: 0s }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.timeout: must be longer than 0 (write timeout: 10s)"),
        bad("status out of range", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://api/health", expect: { status: [200, 700] } }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.expect.status[1]: `700` is not an HTTP status (write a code from 100 to 599)"),
        bad("bad HTTP method", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, method: FETCH, url: "https://api/health" }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.method: `FETCH` is not an HTTP method (write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)"),
        bad("url that is not http", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "api.example.com/health" }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.url: `api.example.com/health` is not an http:// or https:// URL (write url: https://host/health or url: ${BASE_URL}/health)"),
        bad("argv as a string", CONFIG, withItem("""
            - id: status
              title: Status
              check: { kind: command, argv: ./deploy.sh status }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.argv: expected a list, found a string (argv is a list: [\"./deploy.sh\", \"status\"] — it is never run through a shell)"),
        bad("sql without expect", CONFIG, withItem("""
            - id: table
              title: Table exists
              check:
                kind: sql
                databaseUrlEnv: DATABASE_URL
                query: SELECT 1 FROM runs
            """),
            "checklists/release.yaml:9: sections[0].items[0].check.expect: required (write expect: { rows: 1 } or expect: { value: \"1\" })"),
        bad("sql with both rows and value", CONFIG, withItem("""
            - id: table
              title: Table exists
              check:
                kind: sql
                databaseUrlEnv: DATABASE_URL
                query: SELECT count(*) FROM runs
                expect: { rows: 1, value: "0" }
            """),
            "checklists/release.yaml:12: sections[0].items[0].check.expect: give rows or value, not both (write expect: { rows: 1 } or expect: { value: \"1\" })"),
        bad("sql databaseUrlEnv as a reference", CONFIG, withItem("""
            - id: table
              title: Table exists
              check:
                kind: sql
                databaseUrlEnv: ${DATABASE_URL}
                query: SELECT 1
                expect: { rows: 1 }
            """),
            "checklists/release.yaml:10: sections[0].items[0].check.databaseUrlEnv: expected the name of an environment variable, not a reference to one (write databaseUrlEnv: DATABASE_URL)"),
        bad("bad Slack user id", CONFIG.replace("U0AAAAAA02", "alice"), CHECKLIST,
            "preflight.yaml:3: roles.sre.users[0]: `alice` is not a Slack user id (user ids look like U0AAAAAA1: profile → ⋮ → Copy member ID)"),
        bad("bad Slack user group id", CONFIG.replace("S0AAAAAA01", "\"@oncall\""), CHECKLIST,
            "preflight.yaml:3: roles.sre.groups[0]: `@oncall` is not a Slack user group id (user group ids look like S0AAAAAA1)"),
        bad("bad Slack channel id", CONFIG.replace("deploys: C0AAAAAA01", "deploys: \"#deploys\""), CHECKLIST,
            "preflight.yaml:5: channels.deploys: `#deploys` is not a Slack channel id (channel ids look like C0AAAAAA1: channel details → About, at the bottom)"),
        bad("role without members", CONFIG.replace("lead: { users: [U0AAAAAA01] }", "lead: { users: [] }"), CHECKLIST,
            "preflight.yaml:2: roles.lead: a role needs at least one user or group (write users: [U0AAAAAA1] or groups: [S0AAAAAA1])"),
        bad("sign-off count 0", CONFIG, CHECKLIST.replace("count: 1", "count: 0"),
            "checklists/release.yaml:5: signOff.requires[0].count: must be at least 1, not 0 (write count: 1)"),
        bad("the same role required twice", CONFIG, CHECKLIST.replace("- { role: lead, count: 1 }", "- { role: lead }\n    - { role: lead }"),
            "checklists/release.yaml:6: signOff.requires[1].role: role `lead` is already required at line 5 (raise the count there instead)"),
        bad("sign-off reaction with colons", "signOffReaction: \":shipit:\"\n" + CONFIG, CHECKLIST,
            "preflight.yaml:1: signOffReaction: `:shipit:` is written with colons (write the name alone: shipit)"),
        bad("yes instead of true", CONFIG, withItem("""
            - { id: health, title: Health, blocker: yes }
            """),
            "checklists/release.yaml:6: sections[0].items[0].blocker: expected true or false, found `yes` (write blocker: true)"),
        bad("duplicate key", CONFIG, CHECKLIST.replace("title: API release", "title: API release\ntitle: API"),
            "checklists/release.yaml:3: title: duplicate key (it is already set at line 2)"),
        bad("YAML syntax error with its line", CONFIG, CHECKLIST.replace("title: Health", "title: Health: ok"),
            "checklists/release.yaml:10: YAML syntax error: mapping values are not allowed here"),
        bad("a tab in the indentation", CONFIG.replace("  lead:", "\tlead:"), CHECKLIST,
            "preflight.yaml:2: YAML syntax error: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"),
        bad("empty sections", CONFIG, """
            id: api-release
            title: API release
            sections: []
            """,
            "checklists/release.yaml:3: sections: must not be empty (write sections: [{ title: Database, items: [...] }])"),
        bad("empty items", CONFIG, """
            id: api-release
            title: API release
            sections:
              - { title: Checks, items: [] }
            """,
            "checklists/release.yaml:4: sections[0].items: must not be empty (write items: [{ id: backup-taken, title: Backup taken }])"),
        bad("bad kind with a suggestion", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: htpp, url: "https://api/health" }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.kind: unknown kind `htpp` (did you mean `http`?)"),
        bad("retries over 20", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://api/health", retries: 50 }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.retries: must be from 0 to 20, not 50 (write retries: 3)"),
        bad("bad AWS region", CONFIG, withItem("""
            - id: secret
              title: Secret exists
              check: { kind: aws-secret, secretId: app/TOKEN, region: virginia }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.region: `virginia` is not an AWS region (write region: us-east-1, or leave it out for the default region)"),
        bad("JSON expectation without a pointer", CONFIG, withItem("""
            - id: health
              title: Health
              check: { kind: http, url: "https://api/health", expect: { json: { ok: true } } }
            """),
            "checklists/release.yaml:8: sections[0].items[0].check.expect.json.ok: `ok` is not a JSON pointer (write /ok for a top-level field)"),
        bad("a checklist path that does not exist", CONFIG.replace("[checklists]", "[checklists, more]"), CHECKLIST,
            "preflight.yaml:6: checklists[1]: `more` does not exist (paths are relative to the folder preflight.yaml is in)"),
        bad("an empty checklist file", CONFIG, "# nothing yet\n",
            "checklists/release.yaml: the file is empty (a checklist needs id:, title: and sections:)"),
        bad("a list at the top of a checklist", CONFIG, "- id: api-release\n",
            "checklists/release.yaml:1: expected a mapping, found a list (a checklist needs id:, title: and sections:)"),
        bad("too large a file", CONFIG, CHECKLIST + "#".repeat(YamlFile.MAX_BYTES),
            "checklists/release.yaml: the file is too large: 1025 KiB, the limit is 1 MiB (split it into several files)"),
        bad("an alias bomb", CONFIG, CHECKLIST + aliasBomb(),
            "checklists/release.yaml: YAML error: Number of aliases for non-scalar nodes exceeds the specified max=20"),
        bad("several errors in one file are all reported", CONFIG, withItem("""
            - id: health
              titel: Health
              check: { kind: sql, databaseUrlEnv: DB, query: SELECT 1, expect: {}, retries: -1 }
            """),
            "checklists/release.yaml:6: sections[0].items[0].title: required (write title: Backup taken)",
            "checklists/release.yaml:7: sections[0].items[0].titel: unknown key (did you mean `title`?)",
            "checklists/release.yaml:8: sections[0].items[0].check.retries: must be from 0 to 20, not -1 (write retries: 3)",
            "checklists/release.yaml:8: sections[0].items[0].check.expect: needs rows or value (write expect: { rows: 1 } or expect: { value: \"1\" })"),
        bad("errors in several files are all reported", CONFIG.replace("U0AAAAAA01", "U1"), CHECKLIST.replace("count: 1", "count: two"),
            "preflight.yaml:2: roles.lead.users[0]: `U1` is not a Slack user id (user ids look like U0AAAAAA1: profile → ⋮ → Copy member ID)",
            "checklists/release.yaml:5: signOff.requires[0].count: expected a whole number, found a string (write count: 1)"));
  }

  /** The config with {@code alerts} appended; its first line is line 11. */
  static String withAlerts(String alerts) {
    return CONFIG + alerts;
  }

  /** An environment deployed by a command with one health check, and {@code watch} at line 20. */
  static String withWatch(String watch) {
    return withCommandTarget("""
        verify:
          health:
            - { id: api-up, check: { kind: http, url: "https://api/health" } }
        """ + watch);
  }

  static Stream<Arguments> badAlertAndWatchConfigs() {
    String env = "preflight.yaml:%d: services.api.environments.production.";
    return Stream.of(
        bad("unknown alert source, with a suggestion", withAlerts("""
            alerts:
              routes:
                - { source: alertmanger, service: api, environment: production }
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].source: unknown alert source `alertmanger` (did you mean `alertmanager`?)"),
        bad("unknown alert source, listing the known ones", withAlerts("""
            alerts:
              routes:
                - { source: pagerduty, service: api, environment: production }
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].source: unknown alert source `pagerduty` (known sources: alertmanager, cloudwatch, generic, sentry)"),
        bad("alert route to an unknown service", withAlerts("""
            alerts:
              routes:
                - { service: apii, environment: production }
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].service: unknown service `apii` (did you mean `api`?)"),
        bad("alert route to an unknown environment", withAlerts("""
            alerts:
              routes:
                - { service: api, environment: produciton }
                - { service: api, environment: staging }
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].environment: unknown environment `produciton` of `api` (did you mean `production`?)",
            "preflight.yaml:14: alerts.routes[1].environment: unknown environment `staging` of `api` (known environments: production)"),
        bad("alert route to an unknown channel", withAlerts("""
            alerts:
              routes:
                - { service: api, environment: production, channel: alerts }
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].channel: unknown channel `alerts` (known channels: deploys)"),
        bad("alert route without service and environment", withAlerts("""
            alerts:
              routes:
                - source: sentry
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].service: required (write service: api, a service from services:)",
            "preflight.yaml:13: alerts.routes[0].environment: required (write environment: production, one of the service's environments)"),
        bad("empty match values", withAlerts("""
            alerts:
              routes:
                - source: alertmanager
                  match:
                    service: ""
                    env:
                    severity: critical
                  service: api
                  environment: production
            """), CHECKLIST,
            "preflight.yaml:15: alerts.routes[0].match.service: has no value to match (write the exact value the alert must carry, or leave service out)",
            "preflight.yaml:16: alerts.routes[0].match.env: has no value to match (write the exact value the alert must carry, or leave env out)"),
        bad("unknown key in an alert route", withAlerts("""
            alerts:
              routes:
                - { service: api, environment: production, chanel: deploys }
            """), CHECKLIST,
            "preflight.yaml:13: alerts.routes[0].chanel: unknown key (did you mean `channel`?)"),
        bad("alerts without routes", withAlerts("""
            alerts:
              route:
                - { service: api, environment: production }
            """), CHECKLIST,
            "preflight.yaml:12: alerts.route: unknown key (did you mean `routes`?)",
            "preflight.yaml:12: alerts.routes: required (write routes: [{ source: alertmanager, match: { service: api }, service: api, environment: production }])"),
        bad("alerts as a list", withAlerts("""
            alerts:
              - { service: api, environment: production }
            """), CHECKLIST,
            "preflight.yaml:12: alerts: expected a mapping, found a list (write alerts: { routes: [{ source: alertmanager, service: api, environment: production }] })"),
        bad("an alert route with nowhere to post", withEnvironment("""
            checklist: api-release
            """) + """
            alerts:
              routes:
                - { service: api, environment: production }
            """, CHECKLIST,
            "preflight.yaml:14: alerts.routes[0]: nowhere to post: the route has no channel, and `production` of `api` has no alertChannel or channel, nor has its checklist `api-release` (write channel: alerts)"),
        bad("unknown alertChannel", withEnvironment("""
            checklist: api-release
            alertChannel: alerts
            """), CHECKLIST,
            env.formatted(12) + "alertChannel: unknown channel `alerts` (known channels: deploys)"),
        bad("a watch more often than every 10s", withWatch("""
            watch: { every: 5s, for: 4h }
            """), CHECKLIST,
            env.formatted(20) + "watch.every: must be at least 10s, not 5s (write every: 5m)"),
        bad("a watch every 0s", withWatch("""
            watch: { every: 0s, for: 4h }
            """), CHECKLIST,
            env.formatted(20) + "watch.every: must be at least 10s, not 0s (write every: 5m)"),
        bad("a watch shorter than one round", withWatch("""
            watch: { every: 5m, for: 1m }
            """), CHECKLIST,
            env.formatted(20) + "watch.for: must be at least as long as every (5m), not 1m (write for: 4h)"),
        bad("a watch for 0s after a bad every", withWatch("""
            watch: { every: 1s, for: 0s }
            """), CHECKLIST,
            env.formatted(20) + "watch.every: must be at least 10s, not 1s (write every: 5m)",
            env.formatted(20) + "watch.for: must be longer than 0 (write for: 4h)"),
        bad("a watch without for", withWatch("""
            watch: { every: 5m }
            """), CHECKLIST,
            env.formatted(20) + "watch.for: required (write for: 4h)"),
        bad("a watch duration without a unit", withWatch("""
            watch: { every: 5, for: 4h }
            """), CHECKLIST,
            env.formatted(20) + "watch.every: `5` has no unit (write 5s for seconds; units are ms, s, m and h)"),
        bad("unknown key in a watch", withWatch("""
            watch:
              every: 5m
              during: 4h
            """), CHECKLIST,
            env.formatted(21) + "watch.for: required (write for: 4h)",
            env.formatted(22) + "watch.during: unknown key (known keys: every, for)"),
        bad("a watch with nothing to run", withCommandTarget("""
            watch: { every: 5m, for: 4h }
            """), CHECKLIST,
            env.formatted(17) + "watch: nothing to run: the environment has no verify checks (a watch runs verify's health checks and smoke tests again: add verify: { health: [...], smoke: [...] })"),
        bad("a watch on an environment that is never deployed", withEnvironment("""
            checklist: api-release
            verify:
              health:
                - { id: api-up, check: { kind: http, url: "https://api/health" } }
            watch: { every: 5m, for: 4h }
            """), CHECKLIST,
            env.formatted(15) + "watch: never starts: the environment has no target (a watch starts after a successful deploy: add a target, or leave watch out)"),
        bad("a watch after a broken verify check reports only the check", withCommandTarget("""
            verify:
              health:
                - { id: api-up, title: API answers }
            watch: { every: 5m, for: 4h }
            """), CHECKLIST,
            env.formatted(19) + "verify.health[0].check: required (write check: { kind: http, url: \"${BACKEND_URL}/health\" })"),
        bad("unknown environment key near watch", withWatch("""
            wach: { every: 5m, for: 4h }
            """), CHECKLIST,
            env.formatted(20) + "wach: unknown key (did you mean `watch`?)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"badConfigs", "badDeployConfigs", "badAlertAndWatchConfigs"})
  void reportsExactly(String name, String config, String checklist, List<String> expected, @TempDir Path dir) throws IOException {
    Path preflight = write(dir, config, checklist);

    assertEquals(expected, errors(dir, ConfigLoader.validate(preflight)));
    ConfigException thrown = assertThrows(ConfigException.class, () -> ConfigLoader.load(preflight));
    assertEquals(expected, errors(dir, thrown.errors()));
  }

  @Test
  void aRouteWithoutChannelPostsWhereTheEnvironmentsChecklistDoes(@TempDir Path dir) throws IOException {
    Path preflight = write(dir, withEnvironment("""
        checklist: api-release
        """) + """
        alerts:
          routes:
            - { service: api, environment: production }
        """, CHECKLIST.replace("title: API release\n", "title: API release\nchannel: deploys\n"));

    assertEquals(List.of(), errors(dir, ConfigLoader.validate(preflight)));
    PreflightConfig config = ConfigLoader.load(preflight);
    Service.Environment production = config.services().get("api").environments().get("production");
    assertEquals(Optional.of("deploys"), config.alertChannel(production),
        "no alertChannel nor channel: the checklist's channel, where its runs go");
  }

  @Test
  void duplicateChecklistIdNamesTheFirstFile(@TempDir Path dir) throws IOException {
    Path preflight = write(dir, CONFIG, CHECKLIST);
    Files.writeString(dir.resolve("checklists/zz-copy.yaml"), CHECKLIST);

    assertEquals(
        List.of("checklists/zz-copy.yaml:1: id: duplicate checklist id `api-release` (it is already the id of checklists/release.yaml:1)"),
        errors(dir, ConfigLoader.validate(preflight)));
  }

  @Test
  void missingConfigFileIsAnErrorNotAnException(@TempDir Path dir) {
    assertEquals(List.of("nowhere/preflight.yaml: file not found"),
        errors(dir, ConfigLoader.validate(dir.resolve("nowhere/preflight.yaml"))));
  }

  @Test
  void unreadableChecklistDoesNotAlsoMakeItsIdUnknown(@TempDir Path dir) throws IOException {
    Path preflight = write(dir, CONFIG, "id: [api-release\n");

    List<String> errors = errors(dir, ConfigLoader.validate(preflight));

    assertEquals(1, errors.size(), errors::toString);
    assertEquals("checklists/release.yaml:2: YAML syntax error: expected ',' or ']', but got <stream end>", errors.get(0));
  }

  @Test
  void standaloneChecklistChecksEverythingButRolesAndChannels(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("release.yaml");
    Files.writeString(file, CHECKLIST.replace("role: lead", "role: anyone") + "      - { id: health, title: Again }\n");

    ConfigException thrown = assertThrows(ConfigException.class, () -> ConfigLoader.loadChecklist(file));

    assertEquals(List.of("release.yaml:12: sections[0].items[1].id: duplicate item id `health` (already used at line 9)"),
        errors(dir, thrown.errors()));
  }

  private static Arguments bad(String name, String config, String checklist, String... expected) {
    return Arguments.of(name, config, checklist, List.of(expected));
  }

  private static Path write(Path dir, String config, String checklist) throws IOException {
    Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(dir.resolve("checklists/release.yaml"), checklist);
    return Files.writeString(dir.resolve("preflight.yaml"), config);
  }

  private static List<String> errors(Path dir, List<ConfigError> errors) {
    return errors.stream().map(error -> error.toString().replace(dir + "/", "")).toList();
  }

  /** Each level refers to the one below three times: 3^30 strings if anything expanded it. */
  private static String aliasBomb() {
    StringBuilder yaml = new StringBuilder("bomb0: &b0 [lol, lol, lol]\n");
    for (int i = 1; i <= 30; i++) {
      yaml.append("bomb").append(i).append(": &b").append(i)
          .append(" [*b").append(i - 1).append(", *b").append(i - 1).append(", *b").append(i - 1).append("]\n");
    }
    return yaml.toString();
  }
}
