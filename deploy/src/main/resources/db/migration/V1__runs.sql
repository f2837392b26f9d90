-- Checklist and deploy runs, with everything needed to resume one after a restart.
create table runs (
  id            uuid primary key,
  kind          text        not null check (kind in ('checklist', 'deploy')),
  checklist_id  text        not null,
  started_by    text        not null,
  started_at    timestamptz not null,
  status        text        not null,
  channel_id    text,
  message_ts    text,
  updated_at    timestamptz not null default now()
);

create index runs_active on runs (status) where status in ('PREPARING', 'READY', 'DEPLOYING', 'VERIFYING', 'ROLLING_BACK');
create unique index runs_message on runs (channel_id, message_ts) where message_ts is not null;

create table run_items (
  run_id    uuid        not null references runs (id) on delete cascade,
  item_id   text        not null,
  position  int         not null,
  state     text        not null check (state in ('PENDING', 'RUNNING', 'PASSED', 'FAILED', 'WAIVED')),
  actor     text,
  moved_at  timestamptz,
  evidence  jsonb,
  note      text,
  attempt   int         not null default 0,
  primary key (run_id, item_id)
);

create table sign_offs (
  run_id     uuid        not null references runs (id) on delete cascade,
  user_id    text        not null,
  role       text        not null,
  signed_at  timestamptz not null,
  primary key (run_id, user_id)
);

-- Who did what, when, from which Slack action. Rows are never changed or removed.
create table audit_log (
  id      bigserial   primary key,
  at      timestamptz not null default now(),
  run_id  uuid,
  actor   text,
  action  text        not null,
  detail  jsonb       not null default '{}'::jsonb,
  source  text
);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;

create trigger audit_log_append_only
  before update or delete on audit_log
  for each row execute function audit_log_is_append_only();

-- Slack event ids already handled, so a redelivery is handled once.
create table slack_events (
  event_id     text        primary key,
  received_at  timestamptz not null default now()
);
