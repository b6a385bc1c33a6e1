import { speakerOf, turnOf, type ModeAgent, type ModeContext, type ModeResult, type Turn } from './mode-context.js';

/**
 * `sequential`: the agents in order, each given the previous one's answer (the first gets the
 * message). Steps: before each agent check the run was not cancelled; ask it, labelled with its
 * step; its answer becomes the next message. The last answer is the result.
 */
export async function runSequential<Agent extends ModeAgent>(
  context: ModeContext<Agent>,
  options: { agents: readonly Agent[]; message: string },
): Promise<ModeResult> {
  const { agents } = options;
  if (agents.length === 0) throw new Error('runSequential needs at least one agent');
  const turns: Turn[] = [];
  let message = options.message;
  for (const [index, agent] of agents.entries()) {
    context.signal.throwIfAborted();
    const labels = { step: index + 1, steps: agents.length };
    const answer = await context.speak(agent, message, { labels });
    turns.push(turnOf(answer, labels));
    message = answer.content;
  }
  const last = turns.at(-1)!;
  return { speaker: speakerOf(agents.at(-1)!), output: { content: last.content, turns } };
}
