ALTER TABLE "chat_sessions" ADD COLUMN "parent_session_id" uuid;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD COLUMN "forked_from_message_id" uuid;--> statement-breakpoint
CREATE INDEX "chat_sessions_parent_idx" ON "chat_sessions" USING btree ("parent_session_id");