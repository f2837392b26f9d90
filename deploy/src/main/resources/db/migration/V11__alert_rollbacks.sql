-- What an alert's message needs to be drawn again without its webhook body (its description and
-- links), and the rollback someone started from it: which run, who, when, back to which version,
-- and how it ended. The alert's message shows the rollback instead of its button, and changes
-- again when the run's rollback ends.
alter table alerts add column description text not null default '';
alter table alerts add column links jsonb not null default '[]';
alter table alerts add column rollback_run uuid;
alter table alerts add column rollback_by text;
alter table alerts add column rollback_to text;
alter table alerts add column rollback_link text;
alter table alerts add column rollback_started timestamptz;
alter table alerts add column rollback_outcome text check (rollback_outcome in ('running', 'rolled_back', 'failed'));
alter table alerts add column rollback_detail text;
alter table alerts add column rollback_ended timestamptz;

create index alerts_by_rollback_run on alerts (rollback_run) where rollback_run is not null;
