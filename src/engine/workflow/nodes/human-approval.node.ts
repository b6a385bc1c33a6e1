import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';

const humanApprovalConfigSchema = z
  .object({
    title: z.string().min(1).max(200).describe('What the person is asked to decide'),
    description: z.string().max(10_000).optional().describe('Details shown with the request'),
    assignee: z.string().min(1).max(200).optional().describe('Who should decide (a user id or name; informative)'),
    options: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and -'))
      .min(1)
      .max(20)
      .refine((options) => new Set(options).size === options.length, 'options must be unique')
      .default(['approved', 'rejected'])
      .describe('The decisions offered; each is a branch of the node'),
  })
  .strict();

/** The config of a human approval node. */
export type HumanApprovalConfig = z.infer<typeof humanApprovalConfigSchema>;

const decisionSchema = z.object({
  decision: z.string(),
  comment: z.string().optional(),
  decided_by: z.string().optional(),
});

/**
 * Waits for a person's decision. Steps: on the first run, return a wait with the request (title,
 * description, assignee, options) so the execution stops as `waiting`; when the execution is
 * resumed at this node with `{ decision, comment?, decided_by? }`, check the decision is one of
 * the options and finish on the branch named by it.
 */
export const humanApprovalNode: NodeType<HumanApprovalConfig> = {
  type: 'human_approval',
  description: 'Pauses the workflow until a person picks one of the options; each option is a branch',
  configSchema: humanApprovalConfigSchema,
  branches: (config) => config.options,
  async run({ config, resumeData }) {
    if (resumeData === undefined) {
      const request = {
        title: config.title,
        description: config.description ?? null,
        assignee: config.assignee ?? null,
        options: config.options,
      };
      return { kind: 'wait', request };
    }
    const parsed = decisionSchema.safeParse(resumeData);
    if (!parsed.success || !config.options.includes(parsed.data.decision)) {
      const given = parsed.success ? `"${parsed.data.decision}"` : 'no decision';
      throw new NodeError(`${given} is not one of: ${config.options.join(', ')}`, 'APPROVAL_INVALID_DECISION');
    }
    const { decision, comment, decided_by } = parsed.data;
    return { kind: 'done', branch: decision, output: { decision, comment: comment ?? null, decided_by: decided_by ?? null } };
  },
};
