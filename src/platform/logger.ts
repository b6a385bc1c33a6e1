import { pino, type DestinationStream, type Logger } from 'pino';

/** The pino logger type used across the process. */
export type { Logger };

/** Request and body fields that must never reach a log line. */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.api_key',
  '*.access_token',
];

/** The JSON logger shared by the HTTP server and the rest of the process. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
