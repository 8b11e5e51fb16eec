--liquibase formatted sql

--changeset modelbridge:0011-channel-responses-native
-- A channel of provider openai whose upstream serves the Responses API itself: POST /v1/responses goes to it as the
-- client sent it (minimal rewrite) instead of being translated through chat. The admin API's responses_api:
-- 'native' (true) or 'translate' (false, the default).
alter table channels add column responses_native boolean not null default false;
