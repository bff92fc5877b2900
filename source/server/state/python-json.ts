/**
 * JSON text as Python's `json.dumps(value, indent=4)` writes it, so that a config file we
 * save is the file 1.0.12 would have saved (same bytes for the same data and key order).
 *
 * JSON.stringify already uses Python's separators once indenting (", " is not used: items
 * end a line; ": " between key and value) and writes empty containers as {} and []. What
 * differs is ensure_ascii: Python escapes every non-ASCII character as \uXXXX (lower-case hex,
 * UTF-16 surrogate pairs beyond the BMP). Escaping also keeps the file readable by a Python
 * whose locale is not UTF-8. There is no trailing newline, as with json.dump.
 */
export function pythonJsonDumps(value: unknown, indent = 4): string {
  const text = JSON.stringify(value, null, indent);
  if (text === undefined) throw new TypeError('value cannot be written as JSON');
  return text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
