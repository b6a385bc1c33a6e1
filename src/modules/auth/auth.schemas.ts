import { z } from 'zod';

const email = z
  .email()
  .max(254)
  .transform((value) => value.trim().toLowerCase())
  .describe('E-mail address, used as the login name (case-insensitive)');

/** POST /auth/register body. */
export const registerBodySchema = z
  .object({
    email,
    password: z.string().min(8).max(128).describe('8 to 128 characters'),
    nickname: z.string().trim().min(1).max(64).describe('Display name'),
  })
  .strict();

/** POST /auth/login body: the OAuth2 password form (`username` is the e-mail). */
export const loginBodySchema = z.object({
  username: z.string().trim().min(1).max(254).describe('The e-mail the account was registered with'),
  password: z.string().min(1).max(128),
  grant_type: z.literal('password').optional().describe('OAuth2 clients send "password"; optional'),
  scope: z.string().max(1000).optional().describe('Ignored; accepted for OAuth2 clients'),
});

/** A user as the API shows it: never the password or its hash. */
export const userResponseSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    nickname: z.string(),
    role: z.enum(['admin', 'user']),
    is_active: z.boolean(),
    created_at: z.iso.datetime(),
    last_login_at: z.iso.datetime().nullable(),
  })
  .describe('User');

/** The login answer. */
export const tokenResponseSchema = z.object({
  access_token: z.string().describe('JWT (HS256); send it as Authorization: Bearer <token>'),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().describe('Seconds until the token expires'),
});

export type RegisterInput = z.output<typeof registerBodySchema>;
export type LoginInput = z.output<typeof loginBodySchema>;
export type UserResponse = z.output<typeof userResponseSchema>;
