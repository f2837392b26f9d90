-- A change made on behalf of a person or a check carries an id, written with its audit entry in
-- the same transaction. A change kept through a database outage is written again when the
-- database returns; if its first attempt had in fact committed, the id is found and the change
-- is not made twice.
alter table audit_log add column change_id uuid;

create unique index audit_log_change_id on audit_log (change_id) where change_id is not null;
