-- One report per run in its Slack thread. A replica claims the run here before uploading, so a
-- second announcement, a restart or another replica never uploads it again; the file id is
-- recorded once Slack has it. A claim whose upload never finished (the replica died) goes
-- stale and may be taken over.
create table run_reports (
  run_id       uuid        primary key references runs (id) on delete cascade,
  claimed_by   text        not null,
  claimed_at   timestamptz not null,
  file_id      text,
  uploaded_at  timestamptz
);
