-- Which rollback outcome an alert's message last showed ('running', 'rolled_back', 'failed'), so
-- that the reconciler can bring a message that fell behind its row (the replica died between
-- storing a rollback's start or end and editing the message) up to what is stored.
alter table alerts add column rollback_shown text;

-- Messages drawn before this version showed what their row says.
update alerts set rollback_shown = rollback_outcome where message_ts is not null and rollback_run is not null;

create index alerts_rollback_behind on alerts (rollback_run)
  where rollback_run is not null and message_ts is not null;
