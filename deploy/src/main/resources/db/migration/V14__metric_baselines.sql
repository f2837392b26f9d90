-- The baseline of a metric check, measured once per run over the window before its deploy
-- started, so a restart or another replica compares with the same number.
create table metric_baselines (
  run_id      uuid             not null references runs (id) on delete cascade,
  key         text             not null,
  value       double precision not null,
  measured_at timestamptz      not null default now(),
  primary key (run_id, key)
);
