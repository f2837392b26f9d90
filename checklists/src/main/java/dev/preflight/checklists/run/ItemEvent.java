package dev.preflight.checklists.run;

/** What can happen to an item. */
public enum ItemEvent {
  /** A person ticks a manual item. */
  TICK,
  /** A person unticks a manual item, or takes back a waiver. */
  UNTICK,
  /** An automated item starts (first run or a re-run). */
  START,
  /** An automated item's check passed. */
  PASS,
  /** An automated item's check failed. */
  FAIL,
  /** A permitted person waives the item, with a reason. */
  WAIVE,
  /**
   * An automated item still running past its time limit starts again: its result was lost (a
   * crash, a database outage) or its check hung. Allowed only once the limit has passed.
   */
  RESTART
}
