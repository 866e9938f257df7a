DROP INDEX `comments_round_text_hash_idx`;--> statement-breakpoint
CREATE INDEX `comments_round_text_hash_idx` ON `comments` (`round_id`,`text_hash`,`status`,`duplicate_group_id`);