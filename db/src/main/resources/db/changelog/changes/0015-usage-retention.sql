--liquibase formatted sql

--changeset modelbridge:0015-usage-retention
-- MB_USAGE_RETENTION_DAYS: usage rows older than the retention are deleted. A lease is charged exactly the sum of
-- the costs of its usage rows (docs/control-plane.md), so the rows of a lease that go keep their sum here, updated in
-- the deleting transaction under the lease's row lock; a close, or a usage row arriving after it, counts them with
-- the rows left. Without this, the charge for a late row of a pruned lease would refund what the pruned rows cost.
alter table quota_leases
    add column pruned_rows bigint not null default 0,
    add column pruned_cost numeric(20, 6) not null default 0;
