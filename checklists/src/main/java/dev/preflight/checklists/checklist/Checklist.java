package dev.preflight.checklists.checklist;

import dev.preflight.checklists.run.Refusal;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A checklist as a team wrote it: sections of items, who must sign off, and who may waive.
 *
 * @param source the file it was read from, shown in error messages
 * @param channel a channel name from the config where runs of this checklist are posted, or null
 * @param waiverRoles roles whose members may waive an item (with a reason)
 */
public record Checklist(
    String id,
    String title,
    String source,
    String channel,
    List<Section> sections,
    SignOffRule signOff,
    List<String> waiverRoles) {

  public Checklist {
    sections = List.copyOf(sections);
    waiverRoles = List.copyOf(waiverRoles);
  }

  public Stream<Item> items() {
    return sections.stream().flatMap(section -> section.items().stream());
  }

  public Optional<Item> item(String itemId) {
    return items().filter(item -> item.id().equals(itemId)).findFirst();
  }

  /** Why someone holding {@code roles} may not waive an item here, or empty when they may. */
  public Optional<Refusal> waiverRefusal(java.util.Set<String> roles) {
    if (waiverRoles.stream().anyMatch(roles::contains)) {
      return Optional.empty();
    }
    return Optional.of(waiverRoles.isEmpty() ? Refusal.of(Refusal.Code.NO_WAIVERS)
        : Refusal.of(Refusal.Code.WAIVER_ROLE_MISSING).withNames(waiverRoles));
  }

  public int itemCount() {
    return (int) items().count();
  }
}
