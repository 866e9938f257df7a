CREATE TABLE `comment_translations` (
	`comment_id` integer NOT NULL,
	`language` text NOT NULL,
	`text` text NOT NULL,
	`translated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`comment_id`, `language`),
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`translated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
