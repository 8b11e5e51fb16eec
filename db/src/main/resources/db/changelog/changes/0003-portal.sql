--liquibase formatted sql

--changeset modelbridge:0003-portal-settings
-- One row: how the self-service portal admits newcomers and what they get. registration: open to anyone with an
-- allowed email, closed, or invite (an invite code is required). Empty allowed_domains = every domain; empty
-- models = every alias; null rpm / tpm = no per-user limit of the portal's own.
create table portal_settings (
    id              integer primary key default 1 constraint portal_settings_single_row check (id = 1),
    registration    text not null default 'open'
                    constraint portal_settings_registration_check check (registration in ('open', 'closed', 'invite')),
    allowed_domains text[] not null default '{}',
    free_quota      numeric(20, 6) not null default 0 constraint portal_settings_free_quota_check check (free_quota >= 0),
    rpm             integer,
    tpm             integer,
    models          text[] not null default '{}',
    updated_at      timestamptz not null default now()
);
insert into portal_settings (id) values (1);

--changeset modelbridge:0003-portal-invites
create table portal_invites (
    code       text primary key,
    max_uses   integer not null default 1 constraint portal_invites_max_uses_check check (max_uses > 0),
    uses       integer not null default 0,
    expires_at timestamptz,
    created_at timestamptz not null default now()
);

--changeset modelbridge:0003-portal-accounts
-- A portal login: email (lower-case) and a bcrypt password hash. user_id is set once the email is confirmed.
create table portal_accounts (
    id            bigserial primary key,
    email         text not null constraint portal_accounts_email_key unique,
    password_hash text not null,
    user_id       bigint constraint portal_accounts_user_id_key unique
                  constraint portal_accounts_user_id_fkey references users (id) on delete cascade,
    confirmed_at  timestamptz,
    created_at    timestamptz not null default now()
);

--changeset modelbridge:0003-portal-codes
-- One-time codes mailed to confirm an address or reset a password; only their SHA-256 is kept.
create table portal_codes (
    id         bigserial primary key,
    account_id bigint not null constraint portal_codes_account_id_fkey references portal_accounts (id) on delete cascade,
    purpose    text not null constraint portal_codes_purpose_check check (purpose in ('confirm', 'reset')),
    code_hash  bytea not null,
    attempts   integer not null default 0,
    expires_at timestamptz not null,
    used_at    timestamptz,
    created_at timestamptz not null default now()
);
create index portal_codes_account_id_idx on portal_codes (account_id, purpose);

--changeset modelbridge:0003-portal-sessions
-- Browser sessions; the cookie holds the token, the table only its SHA-256.
create table portal_sessions (
    token_hash bytea primary key,
    account_id bigint not null constraint portal_sessions_account_id_fkey references portal_accounts (id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index portal_sessions_account_id_idx on portal_sessions (account_id);
create index portal_sessions_expires_at_idx on portal_sessions (expires_at);
