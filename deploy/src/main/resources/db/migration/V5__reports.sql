-- One report per run and finished status in its Slack thread: a run that succeeded and is rolled
-- back hours later gets a second report that tells the rollback. A replica claims the run and
-- status here before uploading, so a second announcement, a restart or another replica never
-- uploads it again; the file id is recorded once Slack has it. A claim whose upload never
-- finished (the replica died) goes stale and may be taken over.
create table run_reports (
  run_id       uuid        not null references runs (id) on delete cascade,
  status       text        not null,
  claimed_by   text        not null,
  claimed_at   timestamptz not null,
  file_id      text,
  uploaded_at  timestamptz,
  primary key (run_id, status)
);
