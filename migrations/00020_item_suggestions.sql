-- +goose Up
-- Suggestions for an unconfirmed listing (issue 10) look active items up by
-- four reasons through indexes, so a listing's page and a bulk preview of
-- thousands never read the items table at large.
--
-- The keys are SQL functions so that the indexes and the queries spell the
-- same expression (the planner inlines both and matches them).
-- sku_key: a SKU apart from case, spaces and punctuation ("ab-12 x" is "ab12x").
-- +goose StatementBegin
CREATE FUNCTION sku_key(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace($1, '[^[:alnum:]]+', '', 'g'))
$$;
-- +goose StatementEnd
-- name_key: a name apart from case and spacing ("Oak  chair" is "oakchair").
-- +goose StatementBegin
CREATE FUNCTION name_key(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace($1, '\s+', '', 'g'))
$$;
-- +goose StatementEnd

-- Similar names are scored by trigram similarity, but not found by it: on
-- half a million product names a GIN trigram scan for `name % $1` cost
-- 13-50 ms of CPU per listing (a name's trigrams are those of common words,
-- each in thousands of names, and even at a 0.6 threshold the scan reads
-- the rarest 40% of them in full), and a GiST nearest-neighbour scan more.
-- Candidates are instead the items whose name has every word of the
-- listing's but one (all of them for names of one or two words, all but
-- two for names of six or more), leaving out words no item has and the
-- common words (below): a word index reads those few words' lists, a few
-- hundred entries for a name with a brand or a size in it. Up to eight
-- words count, the longest first. Which words count is worked out in SQL
-- for many listings at once (internal/store/suggestions.go); near_query
-- makes the word index's query of one listing's words, longest first.
-- +goose StatementBegin
CREATE FUNCTION near_query(w text[]) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    k int := coalesce(array_length(w, 1), 0);
    q tsquery;
    c tsquery;
BEGIN
    IF k = 0 THEN
        RETURN NULL;
    END IF;
    -- the words left out, a and b: none of one or two words, one of three
    -- to five, up to two of six or more (0 leaves out nothing)
    FOR a IN 0..k LOOP
        CONTINUE WHEN (k <= 2 AND a > 0) OR (k > 2 AND a = 0);
        FOR b IN a..k LOOP
            CONTINUE WHEN (k < 6 AND b <> a) OR (k >= 6 AND b = a);
            c := NULL;
            FOR j IN 1..k LOOP
                CONTINUE WHEN j = a OR j = b;
                c := CASE WHEN c IS NULL THEN plainto_tsquery('simple', w[j]) ELSE c && plainto_tsquery('simple', w[j]) END;
            END LOOP;
            q := CASE WHEN q IS NULL THEN c ELSE q || c END;
        END LOOP;
    END LOOP;
    RETURN q;
END $$;
-- +goose StatementEnd

-- Common words (in more than 1% of items' names, by the word index's
-- statistics) are left out of a near name's words: a GIN scan reads every
-- word's list of the query in full, and those of "oak" or "black" hold
-- tens of thousands of items where a brand's or a size's hold hundreds.
-- Similarity still scores the whole name. Before ANALYZE has seen the
-- index there are no statistics and every word counts.
-- +goose StatementBegin
CREATE FUNCTION common_name_words() RETURNS text[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(u.e), '{}') FROM pg_stats s,
        unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f)
    WHERE s.schemaname = current_schema() AND s.tablename = 'items_name_lexemes' AND u.e IS NOT NULL AND u.f > 0.01
$$;
-- +goose StatementEnd

-- Partial on active: inactive items are never suggested, and the indexes
-- stay the size of what can be suggested.
CREATE INDEX items_sku_norm ON items (sku_key(sku)) WHERE active AND sku <> '';
CREATE INDEX items_name_norm ON items (name_key(name)) WHERE active;
CREATE INDEX items_name_lexemes ON items USING gin (to_tsvector('simple', name)) WHERE active;

-- +goose Down
DROP INDEX items_name_lexemes;
DROP INDEX items_name_norm;
DROP INDEX items_sku_norm;
DROP FUNCTION common_name_words();
DROP FUNCTION near_query(text[]);
DROP FUNCTION name_key(text);
DROP FUNCTION sku_key(text);
