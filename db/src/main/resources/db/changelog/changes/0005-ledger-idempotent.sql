--liquibase formatted sql

--changeset modelbridge:0005-ledger-request-kind-unique
-- The gateway writes at most one row of each kind (reserve, settle, refund) per request, and every ledger write is
-- INSERT ... ON CONFLICT (request_id, kind) DO NOTHING, so a batch retried after its commit went through (the
-- acknowledgement was lost) cannot charge twice. Rows without a request id (admin grants and adjustments) are not
-- constrained: NULLs are distinct.
-- Rows already written twice before this change are reversed first: each extra row becomes an 'adjust' row (its
-- request id moved into the note) and one compensating 'adjust' row per user gives the double charge back.
create temporary table ledger_duplicates on commit drop as
select id, user_id, kind, amount, request_id, lease_id
from (select l.*, row_number() over (partition by request_id, kind order by id) as n
      from quota_ledger l
      where request_id is not null) numbered
where n > 1;
update quota_ledger l
set kind = 'adjust', request_id = null,
    note = 'written twice: ' || d.kind || ' of request ' || d.request_id || ' (reversed by migration 0005)'
from ledger_duplicates d
where l.id = d.id;
update quota_leases q
set posted = q.posted - s.amount
from (select lease_id, sum(amount) as amount from ledger_duplicates where lease_id is not null group by lease_id) s
where q.id = s.lease_id;
update users u
set quota_balance = u.quota_balance - s.amount
from (select user_id, sum(amount) as amount from ledger_duplicates group by user_id) s
where u.id = s.user_id;
insert into quota_ledger (user_id, kind, amount, balance_after, note)
select s.user_id, 'adjust', -s.amount, u.quota_balance,
       'reverses ' || s.rows || ' ledger row(s) written twice (migration 0005)'
from (select user_id, sum(amount) as amount, count(*) as rows from ledger_duplicates group by user_id) s
join users u on u.id = s.user_id;
drop index quota_ledger_request_id_idx;
create unique index quota_ledger_request_id_kind_key on quota_ledger (request_id, kind);
