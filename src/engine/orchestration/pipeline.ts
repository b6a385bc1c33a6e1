import { renderTemplate, TemplateError } from '../expressions/template.js';
import { referencedPaths, resolveVariables } from '../workflow/variables.js';
import { stageInputEmpty } from './orchestration.errors.js';
import { speakerOf, turnOf, type ModeAgent, type ModeContext, type ModeResult, type Turn } from './mode-context.js';

/** A stage name: what `{{stages.<name>.output}}` refers to. */
export const STAGE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** The input a stage gets when it names none: the previous stage's output (the message for the first). */
export const DEFAULT_STAGE_INPUT = '{{previous}}';

/** One stage as configured: its name, its agent and the template of its input. */
export interface PipelineStage<Agent> {
  name: string;
  agent: Agent;
  /** A template over `input`, `previous` and `stages.<earlier>.output` (and `.agent_name`). */
  input?: string | undefined;
}

/** A problem of a pipeline's configuration, with the body path it is about. */
export interface PipelineIssue {
  path: string;
  message: string;
}

function templateIssues(template: string, path: string, earlier: ReadonlySet<string>): PipelineIssue[] {
  try {
    renderTemplate(template, {});
  } catch (error) {
    if (error instanceof TemplateError) return [{ path, message: `not a valid template: ${error.message}` }];
    throw error;
  }
  const issues: PipelineIssue[] = [];
  for (const reference of referencedPaths(template)) {
    const [root, name] = reference.split('.');
    if (root === 'input' || root === 'previous') continue;
    if (root !== 'stages') {
      issues.push({ path, message: `{{${reference}}}: a stage template may use input, previous and stages.<name>.output` });
    } else if (name === undefined || !earlier.has(name)) {
      issues.push({ path, message: `{{${reference}}}: "${name ?? ''}" is not a stage that runs before this one` });
    }
  }
  return issues;
}

/**
 * Every problem of a pipeline: stage names (pattern, unique) and templates that do not parse or
 * refer to anything but the message, the previous output and earlier stages. `output` (the final
 * answer's template) may refer to every stage.
 */
export function checkPipeline(stages: ReadonlyArray<{ name: string; input?: string | undefined }>, output?: string): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  const earlier = new Set<string>();
  stages.forEach((stage, index) => {
    if (!STAGE_NAME_PATTERN.test(stage.name)) {
      issues.push({ path: `stages.${index}.name`, message: 'letters, digits, _ and -, starting with a letter or _' });
    } else if (earlier.has(stage.name)) {
      issues.push({ path: `stages.${index}.name`, message: `duplicate stage name "${stage.name}"` });
    }
    if (stage.input !== undefined) issues.push(...templateIssues(stage.input, `stages.${index}.input`, earlier));
    earlier.add(stage.name);
  });
  if (output !== undefined) issues.push(...templateIssues(output, 'output', earlier));
  return issues;
}

/** A resolved template as text (objects as JSON, nothing as ""). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/**
 * `pipeline`: stages in order, each agent's input mapped from the message and earlier outputs by
 * its template (default: the previous output), and the final answer mapped by `output` (default:
 * the last stage's output). Steps per stage: check the run was not cancelled; announce it
 * (`stage`); render its input; ask its agent; store its output under its name.
 */
export async function runPipeline<Agent extends ModeAgent>(
  context: ModeContext<Agent>,
  options: { stages: ReadonlyArray<PipelineStage<Agent>>; message: string; output?: string | undefined },
): Promise<ModeResult> {
  const { stages } = options;
  if (stages.length === 0) throw new Error('runPipeline needs at least one stage');
  const outputs: Record<string, { output: string; agent_id: string; agent_name: string }> = {};
  const turns: Turn[] = [];
  let previous = options.message;
  for (const [index, stage] of stages.entries()) {
    context.signal.throwIfAborted();
    const labels = { stage: index + 1, stage_name: stage.name };
    context.emit('stage', { stage: index + 1, name: stage.name, stages: stages.length }, speakerOf(stage.agent));
    const scope = { input: options.message, previous, stages: outputs };
    const input = asText(resolveVariables(stage.input ?? DEFAULT_STAGE_INPUT, scope)).trim();
    if (input === '') throw stageInputEmpty(stage.name);
    const answer = await context.speak(stage.agent, input, { labels });
    outputs[stage.name] = { output: answer.content, agent_id: answer.agent_id, agent_name: answer.agent_name };
    turns.push(turnOf(answer, labels));
    previous = answer.content;
  }
  const content = options.output === undefined ? previous : asText(resolveVariables(options.output, { input: options.message, previous, stages: outputs }));
  return { speaker: speakerOf(stages.at(-1)!.agent), output: { content, turns } };
}
