CREATE TABLE "orchestration_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"mode" text NOT NULL,
	"config" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orchestration_templates_mode_check" CHECK ("orchestration_templates"."mode" in ('route', 'sequential', 'pipeline', 'debate', 'graph'))
);
--> statement-breakpoint
ALTER TABLE "orchestration_templates" ADD CONSTRAINT "orchestration_templates_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "orchestration_templates_owner_name" ON "orchestration_templates" USING btree ("owner_id","name");--> statement-breakpoint
CREATE INDEX "orchestration_templates_owner_updated" ON "orchestration_templates" USING btree ("owner_id","updated_at");