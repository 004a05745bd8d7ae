import { badInput } from '@causeway/core';
import { isUtf8 } from 'node:buffer';

/** C0 and C1 control characters and DEL: never part of a purpose or an end-user id. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** Whether every character is one byte's worth (as Node reads header bytes) and some are not ASCII. */
function looksLikeRawBytes(text: string): boolean {
  let high = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return false;
    if (code > 0x7f) high = true;
  }
  return high;
}

/**
 * Node hands header bytes over as Latin-1 characters, so raw UTF-8 (what `curl -H` sends)
 * arrives as mojibake: re-read the bytes as UTF-8 when they are valid UTF-8.
 */
function rawBytesAsUtf8(value: string): string {
  if (!looksLikeRawBytes(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : value;
}

/**
 * Reads a free-text request value (X-Purpose, X-User-Id, `extensions.purpose`): percent-encoded
 * UTF-8 (what browsers and `fetch` must send) or raw UTF-8, trimmed and bounded to `max`
 * characters. Empty or whitespace-only is no value (null); control characters, NUL included,
 * are refused (BAD_USER_INPUT naming `name`), whether raw or percent-encoded. `fromHeader` false:
 * a value from the JSON request body, taken as it is.
 */
export function headerText(name: string, value: string | undefined, max: number, fromHeader = true): string | null {
  if (value === undefined) return null;
  // A value from a JSON body is already Unicode: neither Latin-1 bytes nor percent-encoded.
  let text = fromHeader ? rawBytesAsUtf8(value) : value;
  if (fromHeader && text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw badInput(name, 'is not valid percent-encoded UTF-8; encode the text with encodeURIComponent, e.g. %E6%A0%B8%E9%AA%8C for 核验');
    }
  }
  if (hasControlCharacter(text)) throw badInput(name, 'must not contain control characters (such as NUL or a line break)');
  text = text.trim().normalize('NFC');
  return text === '' ? null : text.slice(0, max);
}
