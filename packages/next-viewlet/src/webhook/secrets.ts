/**
 * Webhook secrets in the Standard Webhooks format: `whsec_` + base64 of the
 * key bytes. Only that format is accepted: a bare string could be read either
 * as base64 or as raw text, and a sender and a receiver that read it
 * differently fail with a 401 nobody can explain.
 */
import { randomBytes } from 'node:crypto';
import { ViewletError } from '../core/errors.ts';

const PREFIX = 'whsec_';
/** 24 bytes (192 bits) is what the Standard Webhooks test vector uses; generated secrets have 32. */
export const MIN_SECRET_BYTES = 24;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HOW_TO = `generate one with: node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"`;

/** A fresh secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/**
 * The key bytes of a `whsec_` secret. Surrounding whitespace (a trailing
 * newline from a file) is ignored. Throws `E_WEBHOOK_SECRET` without ever
 * quoting the secret.
 */
export function parseSecret(secret: unknown, where = 'secret'): Buffer {
  if (typeof secret !== 'string') {
    throw new ViewletError('E_WEBHOOK_SECRET', `${where} must be a string, got ${secret === null ? 'null' : typeof secret}; ${HOW_TO}.`);
  }
  const text = secret.trim();
  if (!text.startsWith(PREFIX)) {
    throw new ViewletError('E_WEBHOOK_SECRET', `${where} must start with "${PREFIX}" (Standard Webhooks format); ${HOW_TO}.`);
  }
  const encoded = text.slice(PREFIX.length);
  const bare = encoded.replace(/=+$/, '');
  if (!BASE64.test(encoded) || bare.length % 4 === 1) {
    throw new ViewletError(
      'E_WEBHOOK_SECRET',
      `${where}: the part after "${PREFIX}" must be standard base64 (A-Z a-z 0-9 + /); ${HOW_TO}.`,
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES) {
    throw new ViewletError('E_WEBHOOK_SECRET', `${where} holds ${key.length} bytes; at least ${MIN_SECRET_BYTES} are required; ${HOW_TO}.`);
  }
  return key;
}

/**
 * Keys of a secret list. `undefined`, `null` and `''` entries are skipped (an
 * unset environment variable): the caller decides what an empty result means.
 */
export function parseSecrets(secrets: readonly unknown[] | undefined | null, where = 'secrets'): Buffer[] {
  if (secrets === undefined || secrets === null) return [];
  if (!Array.isArray(secrets)) {
    throw new ViewletError('E_WEBHOOK_SECRET', `${where} must be an array of "whsec_..." strings (several during a rotation).`);
  }
  const keys: Buffer[] = [];
  secrets.forEach((secret, i) => {
    if (secret === undefined || secret === null || (typeof secret === 'string' && secret.trim() === '')) return;
    keys.push(parseSecret(secret, `${where}[${i}]`));
  });
  return keys;
}
