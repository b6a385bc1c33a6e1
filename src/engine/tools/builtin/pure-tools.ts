import { systemClock, type Clock } from '../../../platform/clock.js';
import type { RegisteredTool } from '../tool-registry.js';
import { createDataTools } from './data.tools.js';
import { createDatetimeTools } from './datetime.tools.js';
import { mathTools } from './math.tools.js';
import { textTools } from './text.tools.js';

/** Every built-in tool that needs no I/O (math, date and time, text, data), reading time from `clock`. */
export function createPureBuiltinTools(clock: Clock): RegisteredTool[] {
  return [...mathTools, ...createDatetimeTools(clock), ...textTools, ...createDataTools(clock)];
}

/** The built-in tools without I/O, on the machine clock. */
export const pureBuiltinTools: RegisteredTool[] = createPureBuiltinTools(systemClock);
