package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.Checklist;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Names one file uses and another defines (roles, channels, checklist ids). They are
 * collected while files are read and checked once everything is read, each at the line
 * that used it.
 */
final class References {

  private final List<Use> roles = new ArrayList<>();
  private final List<Use> channels = new ArrayList<>();
  private final List<Use> checklists = new ArrayList<>();
  private final List<Consumer<Map<String, Checklist>>> needingChecklists = new ArrayList<>();

  /** Notes a use of a role; answers the name, to be kept where it was read. */
  String role(Value at, String name) {
    roles.add(new Use(at, name));
    return name;
  }

  String channel(Value at, String name) {
    channels.add(new Use(at, name));
    return name;
  }

  String checklist(Value at, String id) {
    checklists.add(new Use(at, id));
    return id;
  }

  /**
   * A check that needs what the checklists say (their channel, say), run by
   * {@link #checkWithChecklists} once every checklist file is read.
   */
  void afterChecklists(Consumer<Map<String, Checklist>> check) {
    needingChecklists.add(check);
  }

  /** @param checklists every checklist that could be read, by id */
  void checkWithChecklists(Map<String, Checklist> checklists) {
    needingChecklists.forEach(check -> check.accept(checklists));
  }

  /**
   * @param everyChecklistRead false when some checklist file was too broken to yield its id;
   *     a use of a checklist id is then not reported, since it may well be that one
   */
  void check(
      Collection<String> knownRoles,
      Collection<String> knownChannels,
      Collection<String> knownChecklists,
      boolean everyChecklistRead) {
    check(roles, knownRoles, "role", "roles");
    check(channels, knownChannels, "channel", "channels");
    if (everyChecklistRead) {
      check(checklists, knownChecklists, "checklist", "checklists");
    }
  }

  private static void check(List<Use> uses, Collection<String> known, String noun, String plural) {
    for (Use use : uses) {
      if (!known.contains(use.name())) {
        use.at().error("unknown " + noun + " `" + use.name() + "`", Suggestions.hint(use.name(), known, plural));
      }
    }
  }

  private record Use(Value at, String name) {}
}
