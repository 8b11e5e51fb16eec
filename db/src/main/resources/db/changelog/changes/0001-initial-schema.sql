--liquibase formatted sql

--changeset modelbridge:0001-users
create table users (
    id            bigserial primary key,
    name          text not null constraint users_name_key unique,
    email         text,
    role          text not null default 'user' constraint users_role_check check (role in ('user', 'admin')),
    enabled       boolean not null default true,
    quota_balance numeric(20, 6) not null default 0,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

--changeset modelbridge:0001-api-keys
create table api_keys (
    id             bigserial primary key,
    user_id        bigint not null constraint api_keys_user_id_fkey references users (id) on delete cascade,
    prefix         text not null,
    key_hash       bytea not null constraint api_keys_key_hash_key unique,
    label          text,
    allowed_models text[] not null default '{}',
    allowed_cidrs  text[] not null default '{}',
    expires_at     timestamptz,
    enabled        boolean not null default true,
    rpm            integer,
    tpm            integer,
    last_used_at   timestamptz,
    created_at     timestamptz not null default now(),
    revoked_at     timestamptz
);
create index api_keys_user_id_idx on api_keys (user_id);

--changeset modelbridge:0001-channels
create table channels (
    id                 bigserial primary key,
    name               text not null constraint channels_name_key unique,
    provider           text not null,
    base_url           text not null default '',
    credential_sealed  bytea,
    models             text[] not null default '{}',
    priority           integer not null default 0,
    weight             integer not null default 1 constraint channels_weight_check check (weight > 0),
    enabled            boolean not null default true,
    connect_timeout_ms integer not null default 10000,
    read_timeout_ms    integer not null default 120000,
    extras             jsonb not null default '{}',
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);

--changeset modelbridge:0001-aliases
create table model_aliases (
    id          bigserial primary key,
    name        text not null constraint model_aliases_name_key unique,
    description text,
    created_at  timestamptz not null default now()
);
create table alias_targets (
    id             bigserial primary key,
    alias_id       bigint not null constraint alias_targets_alias_id_fkey references model_aliases (id) on delete cascade,
    channel_id     bigint not null constraint alias_targets_channel_id_fkey references channels (id) on delete cascade,
    upstream_model text,
    priority       integer not null default 0,
    weight         integer not null default 1 constraint alias_targets_weight_check check (weight > 0)
);
create index alias_targets_alias_id_idx on alias_targets (alias_id);
create index alias_targets_channel_id_idx on alias_targets (channel_id);

--changeset modelbridge:0001-rate-limits
create table rate_limits (
    id      bigserial primary key,
    scope   text not null constraint rate_limits_scope_check check (scope in ('global', 'user', 'key', 'model')),
    subject text not null default '',
    rpm     integer,
    tpm     integer,
    constraint rate_limits_scope_subject_key unique (scope, subject)
);

--changeset modelbridge:0001-model-prices
create table model_prices (
    model         text primary key,
    input_per_1k  numeric(20, 6) not null default 0,
    output_per_1k numeric(20, 6) not null default 0
);

--changeset modelbridge:0001-quota-ledger
create table quota_ledger (
    id            bigserial primary key,
    user_id       bigint not null constraint quota_ledger_user_id_fkey references users (id) on delete cascade,
    kind          text not null
                  constraint quota_ledger_kind_check check (kind in ('grant', 'reserve', 'settle', 'refund', 'adjust')),
    amount        numeric(20, 6) not null,
    balance_after numeric(20, 6) not null,
    request_id    text,
    note          text,
    created_at    timestamptz not null default now()
);
create index quota_ledger_user_id_created_at_idx on quota_ledger (user_id, created_at);

--changeset modelbridge:0001-usage-log
-- No foreign keys: usage rows outlive deleted users, keys and channels.
create table usage_log (
    id                bigserial primary key,
    request_id        text not null constraint usage_log_request_id_key unique,
    created_at        timestamptz not null,
    user_id           bigint,
    key_id            bigint,
    alias             text,
    channel           text,
    provider          text,
    upstream_model    text,
    stream            boolean not null default false,
    prompt_tokens     integer not null default 0,
    completion_tokens integer not null default 0,
    total_tokens      integer not null default 0,
    estimated         boolean not null default false,
    cost              numeric(20, 6) not null default 0,
    latency_ms        integer not null default 0,
    ttft_ms           integer,
    status            integer not null,
    error_code        text
);
create index usage_log_created_at_idx on usage_log (created_at);
create index usage_log_user_id_created_at_idx on usage_log (user_id, created_at);

--changeset modelbridge:0001-audit-log
create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null default now(),
    actor       text not null,
    action      text not null,
    object_type text not null,
    object_name text,
    detail      jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log (at);

--changeset modelbridge:0001-settings
create table settings (
    key   text primary key,
    value text not null
);
