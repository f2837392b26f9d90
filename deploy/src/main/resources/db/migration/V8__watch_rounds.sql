-- The watch keeps its own time and says how its rounds went.
--   last_due_at: when the latest round was due; the next is due a whole number of intervals
--                after it, so rounds keep their cadence whichever replica runs them.
--   last_passed: how the latest round went (null before the first).
--   failed_rounds: failing rounds over the watch's life, for the run message's counts.
--   alert_channel, alert_ts: where the current (or last) failing streak's alert was posted, so
--                the message saying it recovered goes into that alert's thread.
alter table watches
  add column last_due_at   timestamptz,
  add column last_passed   boolean,
  add column failed_rounds int not null default 0,
  add column alert_channel text,
  add column alert_ts      text;
