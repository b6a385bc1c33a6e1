CREATE TABLE "node_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"node_type" text NOT NULL,
	"config" jsonb NOT NULL,
	"error_policy" jsonb,
	"category" text NOT NULL,
	"tags" text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "node_templates" ADD CONSTRAINT "node_templates_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "node_templates_owner_name" ON "node_templates" USING btree ("owner_id","name");--> statement-breakpoint
CREATE INDEX "node_templates_owner_updated" ON "node_templates" USING btree ("owner_id","updated_at");