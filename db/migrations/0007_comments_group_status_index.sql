DROP INDEX `comments_duplicate_group_idx`;--> statement-breakpoint
CREATE INDEX `comments_duplicate_group_idx` ON `comments` (`duplicate_group_id`,`status`);