package dev.preflight.checklists.checklist;

/**
 * One line of a checklist. Without a check it is manual: a person ticks it.
 *
 * @param check what runs it automatically, or null for a manual item
 */
public record Item(String id, String title, boolean blocker, CheckSpec check) {

  public boolean automated() {
    return check != null;
  }
}
