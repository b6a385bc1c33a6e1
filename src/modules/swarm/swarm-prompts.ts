import type { SwarmHandoff, SwarmMember } from '../../engine/orchestration/swarm.js';
import { swarmToolNames } from './swarm-tools.js';

/** A member as the others see it: its key, name and what it does. */
export interface MemberProfile extends SwarmMember {
  description: string;
}

/**
 * What a member is told on top of its own system prompt: who else is in the swarm, when to hand
 * off and when to answer, and how to share facts.
 */
export function swarmInstructions(members: readonly MemberProfile[], current: SwarmMember, remaining: number): string {
  const roster = members
    .filter((member) => member.id !== current.id)
    .map((member) => `- ${member.key}: ${member.name}${member.description ? ` (${member.description.slice(0, 300)})` : ''}`);
  return [
    `You are ${current.name}, one agent of a swarm working on the user's request together with:`,
    ...roster,
    `If another agent is better placed to continue, call \`${swarmToolNames.handoff}\` with its key, the reason and the context it needs; your turn then ends.`,
    'If you can answer the request, answer it directly without handing off: your answer is then the final answer.',
    `The swarm shares a blackboard (a JSON object): read it with \`${swarmToolNames.read}\` and record what the others should know with \`${swarmToolNames.write}\`.`,
    remaining > 0 ? `At most ${remaining} more hand-off(s) are allowed.` : 'No more hand-offs are allowed: answer yourself.',
  ].join('\n');
}

/** The message a member receives: the user's request, then the hand-off it got (if any) and the blackboard. */
export function swarmMessage(request: string, handoff: SwarmHandoff | null, blackboard: Record<string, unknown>): string {
  const parts = [request];
  if (handoff) {
    const context = handoff.context.trim() ? `\nContext: ${handoff.context}` : '';
    parts.push(`[Handed off to you by ${handoff.from.name}]\nReason: ${handoff.reason}${context}`);
  }
  if (Object.keys(blackboard).length > 0) parts.push(`[Blackboard]\n${JSON.stringify(blackboard)}`);
  return parts.join('\n\n');
}
