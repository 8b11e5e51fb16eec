--liquibase formatted sql

--changeset modelbridge:0002-quota-leases
-- A lease lets one gateway instance admit requests of one user without a database round trip: it may commit up to
-- `granted` credits. `posted` is the signed sum of the ledger rows already written under the lease, so the part of
-- the balance still claimed by an open lease is greatest(granted + posted, 0). See docs/control-plane.md.
create table quota_leases (
    id          bigserial primary key,
    user_id     bigint not null constraint quota_leases_user_id_fkey references users (id) on delete cascade,
    instance_id text not null,
    granted     numeric(20, 6) not null,
    posted      numeric(20, 6) not null default 0,
    opened_at   timestamptz not null default now(),
    renewed_at  timestamptz not null default now(),
    closed_at   timestamptz,
    recovered   boolean not null default false
);
create index quota_leases_user_id_idx on quota_leases (user_id, closed_at);
create index quota_leases_instance_id_idx on quota_leases (instance_id, closed_at);

--changeset modelbridge:0002-quota-ledger-lease
alter table quota_ledger add column lease_id bigint
    constraint quota_ledger_lease_id_fkey references quota_leases (id) on delete set null;
create index quota_ledger_lease_id_idx on quota_ledger (lease_id);
create index quota_ledger_request_id_idx on quota_ledger (request_id);

--changeset modelbridge:0002-rate-limit-buckets
-- Bucket4j's PostgreSQL proxy manager (select-for-update variant) keeps distributed rate-limit buckets here;
-- expires_at is epoch milliseconds, expired rows are removed by the gateways.
create table rate_limit_buckets (
    id         text primary key,
    state      bytea,
    expires_at bigint
);
create index rate_limit_buckets_expires_at_idx on rate_limit_buckets (expires_at);
