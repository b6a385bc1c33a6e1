import { z } from 'zod';
import type { ModeAgent } from './mode-context.js';

/** What the judge is asked to answer. */
export const VERDICT_FORMAT = '{"verdict": "<your decision>", "reasons": ["<reason>", ...], "winner": "<name of the most convincing debater, or null>"}';

/** A judge's verdict as the debate reports it. */
export interface Verdict {
  verdict: string;
  reasons: string[];
  /** The debater the judge named as the winner; null when it named none (or one that did not debate). */
  winner: { agent_id: string; agent_name: string } | null;
  /** False when the judge's answer was not the JSON asked for: `verdict` then holds its whole answer. */
  parsed: boolean;
  /** What was wrong with the judge's answer, if anything. */
  problem: string | null;
}

const judgeAnswerSchema = z.object({
  verdict: z.string().trim().min(1),
  reasons: z
    .union([z.array(z.unknown()), z.string()])
    .optional()
    .transform((reasons) => (reasons === undefined ? [] : Array.isArray(reasons) ? reasons : [reasons]).map(String).filter((reason) => reason.trim() !== '')),
  winner: z.string().nullish(),
});

/** The JSON object in a model's answer: the whole answer, a ```json fence, or the outermost {...}; undefined when none parses. */
export function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  const candidates = [text, fenced, first !== -1 && last > first ? text.slice(first, last + 1) : undefined];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate.trim());
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not this one; try the next candidate.
    }
  }
  return undefined;
}

/**
 * Reads a judge's answer. Steps: find the JSON object in it (see {@link jsonObjectIn}); check it
 * has a `verdict` text (reasons as a list or one text, winner optional); match the winner to a
 * debater by name or id, ignoring case. An answer that is not such JSON is kept whole as the
 * verdict, with `parsed: false` and the problem said plainly.
 */
export function parseVerdict(text: string, debaters: readonly ModeAgent[]): Verdict {
  const object = jsonObjectIn(text);
  const answer = object ? judgeAnswerSchema.safeParse(object) : undefined;
  if (!answer?.success) {
    const problem = object
      ? 'The judge answered JSON without a "verdict" text; verdict holds its whole answer'
      : "The judge's answer was not JSON; verdict holds its whole answer";
    return { verdict: text.trim(), reasons: [], winner: null, parsed: false, problem };
  }
  const { verdict, reasons, winner } = answer.data;
  // Some models write the null they were offered as a word.
  if (!winner || /^(null|none|tie|draw|)$/i.test(winner.trim())) return { verdict, reasons, winner: null, parsed: true, problem: null };
  const wanted = winner.trim().toLowerCase();
  const match = debaters.find((debater) => debater.id.toLowerCase() === wanted || debater.definition.name.trim().toLowerCase() === wanted);
  if (!match) return { verdict, reasons, winner: null, parsed: true, problem: `The judge named "${winner}" as the winner, who did not debate` };
  return { verdict, reasons, winner: { agent_id: match.id, agent_name: match.definition.name }, parsed: true, problem: null };
}
