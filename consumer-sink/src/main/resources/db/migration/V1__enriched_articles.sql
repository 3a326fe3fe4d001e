-- One row per article id; a newer version of an article replaces the older one.
CREATE TABLE enriched_articles (
    id                      TEXT PRIMARY KEY,
    title                   TEXT,
    published_at            TEXT,            -- as the source gave it (formats vary)
    url                     TEXT,
    source                  TEXT,
    primary_theme           TEXT,
    themes                  TEXT[]  NOT NULL,
    theme_scores            JSONB   NOT NULL, -- [{theme, score, matchedTerms}]
    paragraphs              JSONB   NOT NULL, -- kept paragraphs [{index, text, themes}]
    removed_paragraph_count INTEGER NOT NULL,
    paragraphs_in           INTEGER NOT NULL,
    schema_version          TEXT    NOT NULL,
    processed_at            TIMESTAMPTZ,
    document                JSONB   NOT NULL, -- the whole enriched event, as published
    kafka_partition         INTEGER NOT NULL,
    kafka_offset            BIGINT  NOT NULL
);

CREATE INDEX enriched_articles_primary_theme ON enriched_articles (primary_theme);
CREATE INDEX enriched_articles_themes ON enriched_articles USING GIN (themes);

-- The sink's consumed positions, written in the same transaction as the rows: exactly once on restart.
-- Offsets only mean something on the cluster they came from, hence the cluster id.
CREATE TABLE sink_offsets (
    cluster_id  TEXT    NOT NULL,
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset BIGINT  NOT NULL,
    PRIMARY KEY (cluster_id, topic, partition)
);
