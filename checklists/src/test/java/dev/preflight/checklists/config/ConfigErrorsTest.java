package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void reportsExactly(String name, String config, String checklist, List<String> expected, @TempDir Path dir) throws IOException {
    Path preflight = write(dir, config, checklist);

    assertEquals(expected, errors(dir, ConfigLoader.validate(preflight)));
    ConfigException thrown = assertThrows(ConfigException.class, () -> ConfigLoader.load(preflight));
    assertEquals(expected, errors(dir, thrown.errors()));
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
