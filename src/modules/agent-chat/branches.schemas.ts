import { z } from 'zod';
import { paginationQuerySchema } from '../../platform/http/schemas.js';
import { chatHistorySchema } from './chat.schemas.js';

/** POST /agent-chat/branches body. */
export const createBranchSchema = z
  .object({
    session_id: z.uuid().describe('The session to fork'),
    message_id: z.uuid().describe('Fork after this message: it and everything before it are copied'),
    name: z.string().trim().min(1).max(100).optional().describe('Defaults to the session title'),
  })
  .strict();

/** GET /agent-chat/branches query. */
export const listBranchesQuerySchema = paginationQuerySchema.extend({
  session_id: z.uuid().optional().describe('Only the branches of this session'),
});

/** POST /agent-chat/branches/{branch_id}/resume body. */
export const resumeBranchSchema = z
  .object({ message: z.string().trim().min(1).max(32_000).describe('The next message, on the branch') })
  .strict();

/** A branch: a session forked from another at a message. */
export const branchSchema = z
  .object({
    id: z.uuid().describe('The branch is a session: chat on it with this id as session_id'),
    name: z.string(),
    parent_session_id: z.uuid(),
    forked_from_message_id: z.uuid(),
    agent_id: z.uuid().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .describe('Branch');

/** A branch with its messages. */
export const branchDetailSchema = branchSchema.extend({ messages: chatHistorySchema.shape.messages });

export type CreateBranchInput = z.output<typeof createBranchSchema>;
export type ListBranchesQuery = z.output<typeof listBranchesQuerySchema>;
