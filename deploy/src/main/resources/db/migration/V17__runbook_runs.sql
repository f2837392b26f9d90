-- Runbook runs started with /run: their parameters, who started and approved them, each step's
-- state with its journal (what a step started, so a restart follows it instead of starting it
-- again), and the lease of the replica running it. Audit rows go to audit_log with run_id = id.
create table runbook_runs (
  id           uuid        primary key,
  runbook      text        not null,
  title        text        not null,
  parameters   jsonb       not null default '{}'::jsonb,
  started_by   text        not null,
  channel      text        not null,
  message_ts   text,
  status       text        not null check (status in ('WAITING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  steps        jsonb       not null default '[]'::jsonb,
  approvals    jsonb       not null default '[]'::jsonb,
  lease_owner  text,
  lease_until  timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

create index runbook_runs_running on runbook_runs (status) where status = 'RUNNING';
