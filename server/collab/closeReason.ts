import "server-only";
/**
 * A WebSocket close reason may be at most 123 bytes of UTF-8 (`ws` throws past it): the text is
 * cut at that many bytes, without leaving half a character.
 */
export const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString().replace(/\uFFFD$/, "");
