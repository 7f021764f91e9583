/**
 * Characters XML 1.0 cannot carry at all, not even escaped (control characters other than tab,
 * line feed and carriage return, lone surrogates, U+FFFE and U+FFFF): one of them makes a whole
 * feed unreadable to a strict parser, so they are dropped from text written into XML.
 */
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` without the characters XML 1.0 forbids. */
export function xmlSafe(text: string): string {
  return text.replace(XML_INVALID, "");
}

/** Whether `text` holds a control character (C0, DEL or C1): refused in names people type. */
export function hasControlCharacter(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
