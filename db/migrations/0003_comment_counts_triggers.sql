-- Keeps comment_counts (db/schema/comments.ts) for every command that writes comments: each
-- submitted comment counts once under 'all' and once under its clause, category, region and language,
-- by moderation state, review state and publication. Then counts the comments already there.
CREATE TRIGGER comment_counts_insert AFTER INSERT ON comments WHEN new.status = 'submitted'
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES
    (new.round_id, 'all', '', new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'clause', coalesce(cast(new.clause_id as text), ''), new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'category', new.category, new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'region', coalesce(new.region_code, ''), new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'language', coalesce(new.declared_language, ''), new.moderation, new.review_state, new.consent <> 'private', 1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_delete AFTER DELETE ON comments WHEN old.status = 'submitted'
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES
    (old.round_id, 'all', '', old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'clause', coalesce(cast(old.clause_id as text), ''), old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'category', old.category, old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'region', coalesce(old.region_code, ''), old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'language', coalesce(old.declared_language, ''), old.moderation, old.review_state, old.consent <> 'private', -1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_update_old AFTER UPDATE OF round_id, status, moderation, review_state, consent, clause_id, category, region_code, declared_language ON comments WHEN old.status = 'submitted'
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES
    (old.round_id, 'all', '', old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'clause', coalesce(cast(old.clause_id as text), ''), old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'category', old.category, old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'region', coalesce(old.region_code, ''), old.moderation, old.review_state, old.consent <> 'private', -1),
    (old.round_id, 'language', coalesce(old.declared_language, ''), old.moderation, old.review_state, old.consent <> 'private', -1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_update_new AFTER UPDATE OF round_id, status, moderation, review_state, consent, clause_id, category, region_code, declared_language ON comments WHEN new.status = 'submitted'
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES
    (new.round_id, 'all', '', new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'clause', coalesce(cast(new.clause_id as text), ''), new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'category', new.category, new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'region', coalesce(new.region_code, ''), new.moderation, new.review_state, new.consent <> 'private', 1),
    (new.round_id, 'language', coalesce(new.declared_language, ''), new.moderation, new.review_state, new.consent <> 'private', 1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
SELECT round_id, 'all', '', moderation, review_state, consent <> 'private', count(*) FROM comments c WHERE status = 'submitted' GROUP BY 1, 2, 3, 4, 5, 6
UNION ALL
SELECT round_id, 'clause', coalesce(cast(c.clause_id as text), ''), moderation, review_state, consent <> 'private', count(*) FROM comments c WHERE status = 'submitted' GROUP BY 1, 2, 3, 4, 5, 6
UNION ALL
SELECT round_id, 'category', c.category, moderation, review_state, consent <> 'private', count(*) FROM comments c WHERE status = 'submitted' GROUP BY 1, 2, 3, 4, 5, 6
UNION ALL
SELECT round_id, 'region', coalesce(c.region_code, ''), moderation, review_state, consent <> 'private', count(*) FROM comments c WHERE status = 'submitted' GROUP BY 1, 2, 3, 4, 5, 6
UNION ALL
SELECT round_id, 'language', coalesce(c.declared_language, ''), moderation, review_state, consent <> 'private', count(*) FROM comments c WHERE status = 'submitted' GROUP BY 1, 2, 3, 4, 5, 6;
