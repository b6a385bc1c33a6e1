import { speakerOf, turnOf, type ModeAgent, type ModeContext, type ModeResult, type Turn } from './mode-context.js';
import { parseVerdict, VERDICT_FORMAT } from './verdict.js';

function transcriptText(transcript: readonly Turn[]): string {
  if (transcript.length === 0) return '(nobody has spoken yet)';
  return transcript.map((turn) => `[Round ${String(turn.round)}] ${turn.agent_name}: ${turn.content}`).join('\n\n');
}

/** What a debater is sent: the topic, where the debate stands, and everything said so far. */
export function debaterMessage(options: { topic: string; round: number; rounds: number; names: string[]; speaker: string; transcript: readonly Turn[] }): string {
  return [
    `Topic: ${options.topic}`,
    `Round ${options.round} of ${options.rounds}. Debaters: ${options.names.join(', ')}.`,
    `Transcript so far:\n${transcriptText(options.transcript)}`,
    `It is your turn, ${options.speaker}: give your argument for this round.`,
  ].join('\n\n');
}

/** What the judge is sent: the topic and the whole debate. */
export function judgeMessage(topic: string, transcript: readonly Turn[]): string {
  return [`Topic: ${topic}`, `Transcript:\n${transcriptText(transcript)}`, 'Give your verdict now.'].join('\n\n');
}

const debaterInstructions = (name: string) =>
  `You are ${name}, one of the debaters in a debate. Argue your position, answer the other debaters' points, and keep it short.`;

const judgeInstructions = `You are the judge of a debate. Weigh the arguments in the transcript and decide. Answer with one JSON object and nothing else: ${VERDICT_FORMAT}`;

/**
 * `debate`: the debaters argue for `rounds` rounds, each seeing the transcript so far; then the
 * judge gives a verdict with reasons. Steps: per round announce it (`round`) and ask each debater
 * in order with the topic and transcript; then ask the judge for JSON ({@link parseVerdict} reads
 * it and says when it was not JSON) and announce the `verdict` as the judge. A cancel stops it
 * before the next speaker.
 */
export async function runDebate<Agent extends ModeAgent>(
  context: ModeContext<Agent>,
  options: { debaters: readonly Agent[]; judge: Agent; rounds: number; message: string },
): Promise<ModeResult> {
  const { debaters, judge, rounds, message } = options;
  if (debaters.length === 0 || rounds < 1) throw new Error('runDebate needs debaters and at least one round');
  const names = debaters.map((debater) => debater.definition.name);
  const turns: Turn[] = [];
  for (let round = 1; round <= rounds; round++) {
    context.signal.throwIfAborted();
    context.emit('round', { round, rounds });
    for (const debater of debaters) {
      context.signal.throwIfAborted();
      const prompt = debaterMessage({ topic: message, round, rounds, names, speaker: debater.definition.name, transcript: turns });
      const answer = await context.speak(debater, prompt, { labels: { round, role: 'debater' }, instructions: debaterInstructions(debater.definition.name) });
      turns.push(turnOf(answer, { round }));
    }
  }
  context.signal.throwIfAborted();
  const judged = await context.speak(judge, judgeMessage(message, turns), { labels: { role: 'judge' }, instructions: judgeInstructions });
  const verdict = parseVerdict(judged.content, debaters);
  const judgeSpeaker = speakerOf(judge);
  context.emit('verdict', { ...verdict }, judgeSpeaker);
  return { speaker: judgeSpeaker, output: { content: verdict.verdict, rounds, turns, verdict: { ...verdict, run_id: judged.run_id } } };
}
