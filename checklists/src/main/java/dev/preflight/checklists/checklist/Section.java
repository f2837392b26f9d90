package dev.preflight.checklists.checklist;

import java.util.List;

public record Section(String title, List<Item> items) {
  public Section {
    items = List.copyOf(items);
  }
}
