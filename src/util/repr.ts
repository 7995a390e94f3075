/**
 * sdscatrepr: Redis's double-quoted, escaped rendering of a binary string, used wherever Redis shows user
 * bytes as text (MONITOR lines, config lines written from command-line flags, CONFIG REWRITE).
 * Printable ASCII stays as is; backslash and quote are escaped; \n \r \t \a \b get their C escapes; every
 * other byte becomes \xHH.
 */
export function sdscatrepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 92: // backslash
      case 34: // quote
        out += '\\' + s[i];
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      default:
        out += c >= 32 && c <= 126 ? s[i] : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}
