--liquibase formatted sql

--changeset modelbridge:0006-usage-row-charges-lease
-- One row per answered request: the usage row carries its cost and the lease it was charged to. Reservations live
-- in the holder's memory; the ledger records balance changes only: operator grants and adjustments, and 'charge'
-- rows, written when a lease closes (returned, idle, at shutdown, or recovered after a crash), for exactly the sum
-- of the costs of the usage rows charged to that lease, computed in the transaction that closes it (and a follow-up
-- 'charge' row for usage rows that arrive after the close). No foreign key on usage_log.lease_id: the hot table
-- takes no per-row check; the lease's close (under its row lock) is what reads these rows.
alter table usage_log add column lease_id bigint;
create index usage_log_lease_id_idx on usage_log (lease_id);
alter table quota_ledger drop constraint quota_ledger_kind_check;
alter table quota_ledger add constraint quota_ledger_kind_check
    check (kind in ('grant', 'reserve', 'settle', 'refund', 'adjust', 'charge'));

--changeset modelbridge:0006-close-old-style-leases
-- Leases the previous version left open (it is stopped for the upgrade) hold reserve rows without their settle or
-- refund row: refunded here, as that version's recovery did, and the leases closed as recovered (a settle row that
-- still arrives from its ledger spill file then charges the whole cost, as before).
create temporary table open_reservations on commit drop as
select l.user_id, l.lease_id, l.request_id, -sum(l.amount) as amount
from quota_ledger l
join quota_leases q on q.id = l.lease_id and q.closed_at is null
where l.request_id is not null
group by l.user_id, l.lease_id, l.request_id
having count(*) filter (where l.kind = 'reserve') > count(*) filter (where l.kind in ('settle', 'refund'));
insert into quota_ledger (user_id, kind, amount, balance_after, request_id, note, lease_id)
select r.user_id, 'refund', r.amount,
       u.quota_balance + sum(r.amount) over (partition by r.user_id order by r.request_id),
       r.request_id, 'refund: reservation left open at the upgrade to one row per request (lease ' || r.lease_id || ')',
       r.lease_id
from open_reservations r
join users u on u.id = r.user_id;
update users u
set quota_balance = u.quota_balance + s.amount
from (select user_id, sum(amount) as amount from open_reservations group by user_id) s
where u.id = s.user_id;
update quota_leases q
set closed_at = now(), recovered = true,
    posted = q.posted + coalesce((select sum(amount) from open_reservations r where r.lease_id = q.id), 0)
where q.closed_at is null;
