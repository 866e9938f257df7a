-- Counts, under the dimension 'suggested', the submitted comments that have at least one suggested
-- concern (the moderation queue's "suggested" state), as comment_counts counts the rest: a
-- comment's first suggestion adds it, its last one removed takes it out, and a change of the
-- comment's state moves it (before a comment is deleted, while its concerns are still there, as
-- the cascade removes them first). Then counts the comments already there.
CREATE TRIGGER comment_counts_suggestion_insert AFTER INSERT ON comment_concerns
WHEN new.source = 'suggested'
  AND NOT EXISTS (SELECT 1 FROM comment_concerns WHERE comment_id = new.comment_id AND source = 'suggested' AND concern_id <> new.concern_id)
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  SELECT c.round_id, 'suggested', '', c.moderation, c.review_state, c.consent <> 'private', 1 FROM comments c
  WHERE c.id = new.comment_id AND c.status = 'submitted'
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_suggestion_delete AFTER DELETE ON comment_concerns
WHEN old.source = 'suggested'
  AND NOT EXISTS (SELECT 1 FROM comment_concerns WHERE comment_id = old.comment_id AND source = 'suggested')
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  SELECT c.round_id, 'suggested', '', c.moderation, c.review_state, c.consent <> 'private', -1 FROM comments c
  WHERE c.id = old.comment_id AND c.status = 'submitted'
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_suggested_update_old AFTER UPDATE OF round_id, status, moderation, review_state, consent ON comments
WHEN old.status = 'submitted' AND EXISTS (SELECT 1 FROM comment_concerns WHERE comment_id = old.id AND source = 'suggested')
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES (old.round_id, 'suggested', '', old.moderation, old.review_state, old.consent <> 'private', -1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_suggested_update_new AFTER UPDATE OF round_id, status, moderation, review_state, consent ON comments
WHEN new.status = 'submitted' AND EXISTS (SELECT 1 FROM comment_concerns WHERE comment_id = new.id AND source = 'suggested')
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES (new.round_id, 'suggested', '', new.moderation, new.review_state, new.consent <> 'private', 1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER comment_counts_suggested_delete BEFORE DELETE ON comments
WHEN old.status = 'submitted' AND EXISTS (SELECT 1 FROM comment_concerns WHERE comment_id = old.id AND source = 'suggested')
BEGIN
  INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
  VALUES (old.round_id, 'suggested', '', old.moderation, old.review_state, old.consent <> 'private', -1)
  ON CONFLICT (round_id, dimension, value, moderation, review_state, published) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
INSERT INTO comment_counts (round_id, dimension, value, moderation, review_state, published, n)
SELECT round_id, 'suggested', '', moderation, review_state, consent <> 'private', count(*) FROM comments c
WHERE status = 'submitted' AND EXISTS (SELECT 1 FROM comment_concerns cc WHERE cc.comment_id = c.id AND cc.source = 'suggested')
GROUP BY 1, 2, 3, 4, 5, 6;
