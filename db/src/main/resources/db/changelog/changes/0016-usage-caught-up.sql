--liquibase formatted sql

--changeset modelbridge:0016-usage-caught-up
-- Usage retention, exactly: a usage row whose commit was not acknowledged stays in its instance's spill file and
-- is written again later (skipped, as already stored). Had the retention deleted the first copy meanwhile, that
-- row would be written and charged twice. caught_up_through: the lease's holder had every usage row it recorded
-- before this instant written and acknowledged (set from its heartbeat); the sweep deletes a row of the lease only
-- when it began a day before that (no request is recorded later than that after it began). caught_up: the mark
-- has passed the lease's close by that day, so the heartbeat no longer touches it (the index keeps the heartbeat's
-- update to the instance's leases still to mark).
alter table quota_leases
    add column caught_up_through timestamptz,
    add column caught_up boolean not null default false;
create index quota_leases_to_mark_idx on quota_leases (instance_id, caught_up);
