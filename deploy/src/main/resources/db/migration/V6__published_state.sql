-- Which state each run's message last showed, so that every message converges on its run's
-- stored state after a Slack outage or a restart (issue 9).
--
-- A run's state version is the largest state_seq of its runs, deployments and watches rows.
-- Triggers draw a new number from one sequence whenever a row changes in a way its message
-- shows; lease renewals, watch claims and recording where the message is do not count. The
-- sequence takes no row locks, so the triggers add no lock order that could deadlock.
create sequence run_state_seq;

alter table runs add column state_seq bigint not null default 0;
alter table deployments add column state_seq bigint not null default 0;
alter table watches add column state_seq bigint not null default 0;

create function run_state_changed() returns trigger language plpgsql as $$
declare
  ignored text[] := coalesce(tg_argv, '{}'::text[]);
begin
  if tg_op = 'INSERT' then
    new.state_seq := nextval('run_state_seq');
  elsif (to_jsonb(new) - ignored - 'state_seq') is distinct from (to_jsonb(old) - ignored - 'state_seq') then
    new.state_seq := nextval('run_state_seq');
  end if;
  return new;
end;
$$;

-- Recording the message's place also touches updated_at; that is not a new state to show.
create function run_message_placed() returns trigger language plpgsql as $$
begin
  if new.message_ts is distinct from old.message_ts or new.channel_id is distinct from old.channel_id then
    new.state_seq := old.state_seq;
  end if;
  return new;
end;
$$;

create trigger runs_state_changed before insert or update on runs
  for each row execute function run_state_changed('lease_owner', 'lease_until');
create trigger runs_zz_message_placed before update on runs
  for each row execute function run_message_placed();
create trigger deployments_state_changed before insert or update on deployments
  for each row execute function run_state_changed();
create trigger watches_state_changed before insert or update on watches
  for each row execute function run_state_changed('claim_owner', 'claim_until');

-- shown_seq: the state version the message last showed (or that Slack refused for good, so it is
-- not tried again until the run changes). posting_since: a first post was started then and its
-- message may exist without its ts stored; it is looked up before anything is posted again.
-- claim_owner/claim_until: the replica republishing it, so replicas do not both edit one message.
create table run_publications (
  run_id         uuid primary key references runs (id) on delete cascade,
  shown_seq      bigint,
  shown_at       timestamptz,
  posting_since  timestamptz,
  claim_owner    text,
  claim_until    timestamptz
);

-- What exists today was published by the version before this one; only later changes count.
insert into run_publications (run_id, shown_seq, shown_at) select id, 0, now() from runs;
