-- Regional administrators and the privacy rules they add; applied at every ingest beside privacy.json.

CREATE TABLE administrators (
    username       text PRIMARY KEY,
    region         text NOT NULL,
    password_hash  text NOT NULL,      -- argon2id, from argon2-cffi
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE privacy_rules (
    id          bigserial PRIMARY KEY,
    person_id   text NOT NULL,
    action      text NOT NULL CHECK (action IN ('suppress', 'correct')),
    fields      jsonb NOT NULL DEFAULT '{}'::jsonb,  -- for 'correct': name, affiliation, topics, role
    region      text NOT NULL,
    added_by    text NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now()
);
