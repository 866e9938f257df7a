CREATE TABLE `countries` (
	`code` text PRIMARY KEY NOT NULL,
	`m49` text NOT NULL,
	`region_code` text NOT NULL,
	`subregion_code` text NOT NULL,
	`intermediate_region_code` text,
	FOREIGN KEY (`region_code`) REFERENCES `m49_areas`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subregion_code`) REFERENCES `m49_areas`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`intermediate_region_code`) REFERENCES `m49_areas`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `countries_region_idx` ON `countries` (`region_code`);--> statement-breakpoint
CREATE INDEX `countries_subregion_idx` ON `countries` (`subregion_code`);--> statement-breakpoint
CREATE TABLE `m49_areas` (
	`code` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`parent_code` text
);
--> statement-breakpoint
CREATE TABLE `regional_organization_members` (
	`organization_key` text NOT NULL,
	`country_code` text NOT NULL,
	PRIMARY KEY(`organization_key`, `country_code`),
	FOREIGN KEY (`organization_key`) REFERENCES `regional_organizations`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`country_code`) REFERENCES `countries`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `regional_members_country_idx` ON `regional_organization_members` (`country_code`);--> statement-breakpoint
CREATE TABLE `regional_organizations` (
	`key` text PRIMARY KEY NOT NULL,
	`acronym` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`verified_at` integer,
	`verified_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_name_key_idx` ON `organizations` (`name_key`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `stakeholder_categories` (
	`key` text PRIMARY KEY NOT NULL,
	`sort_order` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`organization_id` integer,
	`category` text NOT NULL,
	`country_code` text NOT NULL,
	`language` text NOT NULL,
	`role` text DEFAULT 'participant' NOT NULL,
	`regional_organization_key` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category`) REFERENCES `stakeholder_categories`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`country_code`) REFERENCES `countries`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regional_organization_key`) REFERENCES `regional_organizations`(`key`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_idx` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_role_idx` ON `users` (`role`);--> statement-breakpoint
CREATE TABLE `clause_translations` (
	`clause_id` integer NOT NULL,
	`language` text NOT NULL,
	`heading` text,
	`text` text NOT NULL,
	`translated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`clause_id`, `language`),
	FOREIGN KEY (`clause_id`) REFERENCES `clauses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`translated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `clauses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`heading` text,
	`text` text NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `norm_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clauses_label_idx` ON `clauses` (`version_id`,`label`);--> statement-breakpoint
CREATE INDEX `clauses_position_idx` ON `clauses` (`version_id`,`position`);--> statement-breakpoint
CREATE TABLE `norm_version_translations` (
	`version_id` integer NOT NULL,
	`language` text NOT NULL,
	`title` text NOT NULL,
	`preamble` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`version_id`, `language`),
	FOREIGN KEY (`version_id`) REFERENCES `norm_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `norm_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`norm_id` integer NOT NULL,
	`number` integer NOT NULL,
	`source_language` text NOT NULL,
	`title` text NOT NULL,
	`preamble` text DEFAULT '' NOT NULL,
	`based_on_version_id` integer,
	`frozen_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`norm_id`) REFERENCES `norms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `norm_versions_number_idx` ON `norm_versions` (`norm_id`,`number`);--> statement-breakpoint
CREATE TABLE `norms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `guiding_question_translations` (
	`question_id` integer NOT NULL,
	`language` text NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`question_id`, `language`),
	FOREIGN KEY (`question_id`) REFERENCES `guiding_questions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `guiding_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `guiding_questions_round_idx` ON `guiding_questions` (`round_id`,`position`);--> statement-breakpoint
CREATE TABLE `round_translations` (
	`round_id` integer NOT NULL,
	`language` text NOT NULL,
	`title` text NOT NULL,
	PRIMARY KEY(`round_id`, `language`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`title` text NOT NULL,
	`source_language` text NOT NULL,
	`opens_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`eligible_categories` text NOT NULL,
	`campaign_threshold` integer DEFAULT 5 NOT NULL,
	`submitted_count` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `norm_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rounds_version_idx` ON `rounds` (`version_id`);--> statement-breakpoint
CREATE INDEX `rounds_closes_idx` ON `rounds` (`closes_at`);--> statement-breakpoint
CREATE TABLE `comment_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`comment_id` integer NOT NULL,
	`revision` integer NOT NULL,
	`status` text NOT NULL,
	`clause_id` integer,
	`position` text,
	`text` text NOT NULL,
	`proposed_text` text,
	`declared_language` text,
	`consent` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `comment_revisions_idx` ON `comment_revisions` (`comment_id`,`revision`);--> statement-breakpoint
CREATE TABLE `comment_sketches` (
	`round_id` integer NOT NULL,
	`band` integer NOT NULL,
	`value` text NOT NULL,
	`comment_id` integer NOT NULL,
	PRIMARY KEY(`round_id`, `band`, `value`, `comment_id`),
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `comment_sketches_comment_idx` ON `comment_sketches` (`comment_id`);--> statement-breakpoint
CREATE TABLE `comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`clause_id` integer,
	`author_id` text,
	`external_id` text,
	`imported` integer DEFAULT false NOT NULL,
	`position` text,
	`text` text NOT NULL,
	`proposed_text` text,
	`declared_language` text,
	`detected_language` text,
	`consent` text NOT NULL,
	`status` text NOT NULL,
	`moderation` text DEFAULT 'visible' NOT NULL,
	`hidden_reason` text,
	`hidden_note` text,
	`review_state` text DEFAULT 'unreviewed' NOT NULL,
	`receipt` text NOT NULL,
	`idempotency_key` text,
	`category` text NOT NULL,
	`organization_name` text,
	`author_name` text,
	`country_code` text,
	`region_code` text,
	`subregion_code` text,
	`duplicate_group_id` integer,
	`text_hash` text,
	`minhash` text,
	`created_at` integer NOT NULL,
	`submitted_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`clause_id`) REFERENCES `clauses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `comments_receipt_idx` ON `comments` (`receipt`);--> statement-breakpoint
CREATE UNIQUE INDEX `comments_idempotency_idx` ON `comments` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `comments_round_status_idx` ON `comments` (`round_id`,`status`,`moderation`,`id`);--> statement-breakpoint
CREATE INDEX `comments_round_clause_idx` ON `comments` (`round_id`,`clause_id`,`id`);--> statement-breakpoint
CREATE INDEX `comments_round_category_idx` ON `comments` (`round_id`,`category`,`id`);--> statement-breakpoint
CREATE INDEX `comments_round_region_idx` ON `comments` (`round_id`,`region_code`,`id`);--> statement-breakpoint
CREATE INDEX `comments_round_position_idx` ON `comments` (`round_id`,`position`,`id`);--> statement-breakpoint
CREATE INDEX `comments_round_language_idx` ON `comments` (`round_id`,`declared_language`,`id`);--> statement-breakpoint
CREATE INDEX `comments_round_review_idx` ON `comments` (`round_id`,`review_state`,`id`);--> statement-breakpoint
CREATE INDEX `comments_author_idx` ON `comments` (`author_id`,`id`);--> statement-breakpoint
CREATE INDEX `comments_duplicate_group_idx` ON `comments` (`duplicate_group_id`);--> statement-breakpoint
CREATE INDEX `comments_round_text_hash_idx` ON `comments` (`round_id`,`text_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer,
	`actor_id` text,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`reason` text,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_round_idx` ON `audit_log` (`round_id`,`id`);--> statement-breakpoint
CREATE TABLE `comment_concerns` (
	`comment_id` integer NOT NULL,
	`concern_id` integer NOT NULL,
	`source` text NOT NULL,
	`score` real,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`comment_id`, `concern_id`, `source`),
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`concern_id`) REFERENCES `concerns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `comment_concerns_concern_idx` ON `comment_concerns` (`concern_id`,`source`,`comment_id`);--> statement-breakpoint
CREATE TABLE `concern_models` (
	`round_id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`examples` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `concerns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`key` text NOT NULL,
	`labels` text NOT NULL,
	`keywords` text NOT NULL,
	`key_points` text DEFAULT '{}' NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `concerns_round_key_idx` ON `concerns` (`round_id`,`key`);--> statement-breakpoint
CREATE TABLE `dispositions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`comment_id` integer,
	`duplicate_group_id` integer,
	`outcome` text NOT NULL,
	`reason` text NOT NULL,
	`next_clause_id` integer,
	`decided_by` text,
	`decided_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`duplicate_group_id`) REFERENCES `duplicate_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`next_clause_id`) REFERENCES `clauses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dispositions_comment_idx` ON `dispositions` (`comment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `dispositions_group_idx` ON `dispositions` (`duplicate_group_id`);--> statement-breakpoint
CREATE INDEX `dispositions_round_idx` ON `dispositions` (`round_id`,`outcome`);--> statement-breakpoint
CREATE TABLE `duplicate_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`kind` text NOT NULL,
	`confirmed` integer DEFAULT false NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`is_campaign` integer DEFAULT false NOT NULL,
	`representative_comment_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `duplicate_groups_round_idx` ON `duplicate_groups` (`round_id`,`size`);--> statement-breakpoint
CREATE TABLE `summaries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`number` integer,
	`narrative` text NOT NULL,
	`figures` text,
	`content_hash` text,
	`published_at` integer,
	`published_by` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `summaries_round_number_idx` ON `summaries` (`round_id`,`number`);