import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { toWebToolError } from './web-response.js';

/** The SMTP server mail goes out through (SMTP_URL, SMTP_FROM). */
export interface SmtpSettings {
  /** `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url?: string;
  /** The sender, `address` or `Name <address>`; defaults to the SMTP user name when that is an address. */
  from?: string;
}

/** What `send_email` needs: the server, and a resolver that applies the outbound address policy. */
export interface EmailToolDeps {
  smtp: SmtpSettings;
  /** Resolves a host name to one IP the SSRF policy allows, or throws (SSRF_BLOCKED ...). */
  resolveHost: (host: string) => Promise<string>;
}

/** Most recipients (to, cc and bcc together) on one message. */
export const maxRecipients = 20;

interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string;
}

const notConfigured = (missing: string) =>
  new ToolError(`E-mail is not configured: set ${missing} (e.g. SMTP_URL=smtps://user:password@smtp.example.com:465)`, 'EMAIL_NOT_CONFIGURED');

function parseSmtpUrl(text: string): SmtpTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw notConfigured('a valid SMTP_URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw notConfigured('an SMTP_URL starting with smtp:// or smtps://');
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    user: url.username === '' ? null : decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

const address = z.email().max(254);
const addressList = z.array(address).max(maxRecipients);

const inputSchema = z.object({
  to: addressList.min(1).describe(`Recipient addresses, e.g. ["ana@example.com"] (at most ${maxRecipients} with cc and bcc)`),
  cc: addressList.optional().describe('Carbon-copy addresses'),
  bcc: addressList.optional().describe('Blind carbon-copy addresses (not shown to the other recipients)'),
  subject: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^\r\n]*$/, 'The subject must be one line')
    .describe('The subject line'),
  text: z.string().min(1).max(100_000).describe('The message as plain text'),
  html: z.string().max(200_000).optional().describe('The same message as HTML, for mail programs that show it'),
  reply_to: address.optional().describe('Where replies should go, when not to the sender'),
});

function checkRecipients(input: z.output<typeof inputSchema>): void {
  const all = new Set([...input.to, ...(input.cc ?? []), ...(input.bcc ?? [])].map((value) => value.toLowerCase()));
  if (all.size > maxRecipients) {
    throw new ToolError(`A message may have at most ${maxRecipients} recipients (to, cc and bcc together), not ${all.size}`, 'EMAIL_TOO_MANY_RECIPIENTS');
  }
}

/**
 * Opens a transport to the configured server. Steps: resolve the SMTP host through the address policy; point
 * nodemailer at the checked IP with the original name as TLS server name, so the certificate is still verified
 * against that name and a second lookup cannot move the connection. Nodemailer may not read files or URLs.
 */
async function openTransport(deps: EmailToolDeps, signal: AbortSignal) {
  if (deps.smtp.url === undefined || deps.smtp.url.trim() === '') throw notConfigured('SMTP_URL');
  const target = parseSmtpUrl(deps.smtp.url.trim());
  const from = deps.smtp.from?.trim() || (target.user?.includes('@') ? target.user : undefined);
  if (from === undefined) throw notConfigured('SMTP_FROM');
  signal.throwIfAborted();
  let ip: string;
  try {
    ip = await deps.resolveHost(target.host);
  } catch (error) {
    throw toWebToolError(error, { callerSignal: signal });
  }
  signal.throwIfAborted();
  const transport = nodemailer.createTransport({
    host: ip,
    port: target.port,
    secure: target.secure,
    ...(target.user === null ? {} : { auth: { user: target.user, pass: target.password } }),
    ...(isIP(target.host) === 0 ? { tls: { servername: target.host } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return { transport, from };
}

/** Sends one message and closes the connection; the server's refusal is EMAIL_SEND_FAILED. */
async function sendMessage(deps: EmailToolDeps, input: z.output<typeof inputSchema>, signal: AbortSignal) {
  const { transport, from } = await openTransport(deps, signal);
  const { to, cc, bcc, subject, text, html } = input;
  try {
    // Nodemailer closes the connection when the signal aborts.
    return await transport.sendMail({ from, to, cc, bcc, replyTo: input.reply_to, subject, text, html, signal });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const code = (error as { code?: unknown }).code;
    const because = error instanceof Error ? error.message : String(error);
    throw new ToolError(`The SMTP server did not take the message${typeof code === 'string' ? ` (${code})` : ''}: ${because}`, 'EMAIL_SEND_FAILED');
  } finally {
    transport.close();
  }
}

/** Recipient lists from nodemailer as plain addresses. */
function addresses(list: readonly (string | { address: string })[] | undefined): string[] {
  return (list ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.address));
}

/**
 * `send_email` (category communication): sends a plain-text (and optional HTML) message through the
 * configured SMTP server, which is reached under the same address policy as every outbound request.
 */
export function emailTools(deps: EmailToolDeps): RegisteredTool[] {
  const sendEmail = defineTool({
    name: 'send_email',
    category: 'communication',
    description:
      `Sends an e-mail from the platform's address: plain text, optionally with an HTML version, to at most ${maxRecipients} ` +
      'recipients (to, cc and bcc). Returns the message id and which recipients the server accepted and rejected. ' +
      'Only send mail the user asked for; it cannot be taken back.',
    inputSchema,
    async execute(input, context) {
      checkRecipients(input);
      const info = await sendMessage(deps, input, context.signal);
      return {
        message_id: info.messageId,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        response: info.response,
      };
    },
  });
  return [sendEmail];
}
