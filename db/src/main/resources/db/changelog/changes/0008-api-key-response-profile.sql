--liquibase formatted sql

--changeset modelbridge:0008-api-key-response-profile
-- Which fields of an answer a key's client gets: 'full' (what the upstream sent) or 'classic' (the 2023
-- chat-completion fields only, for strict clients); null follows the operator's default (MB_RESPONSE_PROFILE).
alter table api_keys add column response_profile text
    constraint api_keys_response_profile_check check (response_profile in ('full', 'classic'));
