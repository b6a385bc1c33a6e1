import { z } from 'zod';
import { MAX_TEMPLATE_LENGTH, renderTemplate, TemplateError } from '../../expressions/template.js';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';

/** Config of the template node: one Mustache-style template over the node's variables. */
export const templateConfigSchema = z
  .object({
    template: z
      .string()
      .max(MAX_TEMPLATE_LENGTH)
      .describe('Text with {{variables}} ({{start.input.x}}, {{node_id.output.y}}), sections {{#list}}…{{/list}} and {{^empty}}…{{/empty}}'),
  })
  .strict();

/** The template node's validated config. */
export type TemplateConfig = z.infer<typeof templateConfigSchema>;

/**
 * Renders its template over the node's scope with the safe template engine (no code runs; a
 * missing variable renders empty). The config is read raw so the template is rendered once, here:
 * sections see the scope's real lists, and values holding "{{" are never rendered a second time.
 * Output `{ text }`; a malformed template fails with TEMPLATE_INVALID.
 */
export const templateNode: NodeType<TemplateConfig> = {
  type: 'template',
  description: 'Renders a text template ({{variables}}, sections) over the workflow variables.',
  configSchema: templateConfigSchema,
  pure: true,
  rawConfig: true,
  async run({ config, scope }) {
    try {
      return { kind: 'done', output: { text: renderTemplate(config.template, scope).output } };
    } catch (error) {
      if (error instanceof TemplateError) throw new NodeError(error.message, 'TEMPLATE_INVALID');
      throw error;
    }
  },
};
