CREATE TABLE `comment_counts` (
	`round_id` integer NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`moderation` text NOT NULL,
	`review_state` text NOT NULL,
	`published` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`round_id`, `dimension`, `value`, `moderation`, `review_state`, `published`)
);
--> statement-breakpoint
CREATE INDEX `comments_round_public_idx` ON `comments` (`round_id`,`clause_id`,`category`,`region_code`,`position`,`declared_language`,`id`) WHERE "comments"."status" = 'submitted' and "comments"."moderation" = 'visible' and "comments"."consent" <> 'private';--> statement-breakpoint
CREATE INDEX `comments_round_queue_idx` ON `comments` (`round_id`,`status`,(case when "moderation" = 'visible' and "review_state" = 'unreviewed' then 0 else 1 end),(case when "submitted_at" is null then -"created_at" else -"submitted_at" end),(-"id"));