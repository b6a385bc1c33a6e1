import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateTurn, streamTurn, type TurnEvent } from './turn.js';

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

function toolCallStep(calls: Array<{ id: string; name: string; input: string }>): LanguageModelV3GenerateResult {
  return {
    content: calls.map((call) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.name, input: call.input })),
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' } as never,
    usage: usage(10, 5),
    warnings: [],
  };
}

function textStep(text: string): LanguageModelV3GenerateResult {
  return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' } as never, usage: usage(20, 4), warnings: [] };
}

/** A model that answers the scripted steps in order and keeps the prompts it was sent. */
function scripted(steps: LanguageModelV3GenerateResult[]) {
  const prompts: LanguageModelV3CallOptions['prompt'][] = [];
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      return steps[prompts.length - 1] ?? textStep('(no more script)');
    },
  });
  return { model, prompts };
}

function toolMessages(prompt: LanguageModelV3CallOptions['prompt']) {
  return prompt.filter((message) => message.role === 'tool').flatMap((message) => message.content);
}

const weather = tool({
  description: 'Weather of a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: city === 'Paris' ? 18 : 25 }),
});
const broken = tool({
  description: 'Always fails',
  inputSchema: z.object({ reason: z.string().optional() }),
  execute: async (): Promise<string> => {
    throw new Error('database on fire');
  },
});

describe('generateTurn with tools', () => {
  it('runs parallel tool calls, sends their results back, and sums usage over the steps', async () => {
    const { model, prompts } = scripted([
      toolCallStep([
        { id: 'c1', name: 'weather', input: '{"city":"Paris"}' },
        { id: 'c2', name: 'weather', input: '{"city":"Rome"}' },
      ]),
      textStep('Paris 18, Rome 25'),
    ]);

    const result = await generateTurn({
      model,
      messages: [{ role: 'user', content: 'weather?' }],
      settings: {},
      tools: { weather },
      maxSteps: 5,
    });

    expect(result).toMatchObject({ text: 'Paris 18, Rome 25', steps: 2, stopReason: 'completed' });
    expect(result.usage).toEqual({ prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 });
    const results = toolMessages(prompts[1]!);
    expect(results.map((part) => (part as { toolCallId: string }).toolCallId).sort()).toEqual(['c1', 'c2']);
    expect(JSON.stringify(results)).toContain('"celsius":18');
  });

  it('gives a throwing tool, invalid input and an unknown tool back to the model as results', async () => {
    const { model, prompts } = scripted([
      toolCallStep([
        { id: 'c1', name: 'broken', input: '{}' },
        { id: 'c2', name: 'weather', input: '{"town":"Paris"}' },
        { id: 'c3', name: 'teleport', input: '{}' },
      ]),
      textStep('Sorry, the tools failed'),
    ]);

    const result = await generateTurn({
      model,
      messages: [{ role: 'user', content: 'go' }],
      settings: {},
      tools: { weather, broken },
      maxSteps: 5,
    });

    expect(result.text).toBe('Sorry, the tools failed');
    const sent = JSON.stringify(toolMessages(prompts[1]!));
    expect(sent).toContain('database on fire');
    expect(sent).toContain('c2');
    expect(sent).toContain('c3');
  });

  it('ends with stopReason iteration_limit when the model still calls tools at the last step', async () => {
    const looping = toolCallStep([{ id: 'c', name: 'weather', input: '{"city":"Paris"}' }]);
    const { model, prompts } = scripted([looping, looping, looping, looping]);

    const result = await generateTurn({
      model,
      messages: [{ role: 'user', content: 'loop' }],
      settings: {},
      tools: { weather },
      maxSteps: 3,
    });

    expect(result).toMatchObject({ steps: 3, stopReason: 'iteration_limit' });
    expect(prompts).toHaveLength(3);
  });
});

describe('streamTurn with tools', () => {
  it('emits tool-call and tool-result events between the text steps', async () => {
    const { model } = scripted([toolCallStep([{ id: 'c1', name: 'weather', input: '{"city":"Paris"}' }]), textStep('18 degrees')]);
    const streaming = new MockLanguageModelV3({
      doStream: async (options) => {
        const step = await model.doGenerate(options);
        const parts = step.content.flatMap((part): LanguageModelV3StreamPart[] =>
          part.type === 'text'
            ? [
                { type: 'text-start' as const, id: 't' },
                { type: 'text-delta' as const, id: 't', delta: part.text },
                { type: 'text-end' as const, id: 't' },
              ]
            : [part as LanguageModelV3StreamPart],
        );
        const stream = new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of [...parts, { type: 'finish' as const, finishReason: step.finishReason, usage: step.usage }]) {
              controller.enqueue(part);
            }
            controller.close();
          },
        });
        return { stream };
      },
    });

    const events: TurnEvent[] = [];
    for await (const event of streamTurn({
      model: streaming,
      messages: [{ role: 'user', content: 'weather?' }],
      settings: {},
      tools: { weather },
      maxSteps: 3,
    })) {
      events.push(event);
    }

    expect(events.map((event) => event.type)).toEqual(['tool-call', 'tool-result', 'text-delta', 'turn-finish']);
    expect(events[1]).toMatchObject({ toolName: 'weather', output: { city: 'Paris', celsius: 18 }, isError: false });
    expect(events.at(-1)).toMatchObject({ text: '18 degrees', steps: 2, stopReason: 'completed' });
  });
});
