import { randomBytes as randomBytesNode } from "node:crypto";
import net from "node:net";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import type { Random } from "./random";
import type { TrafficRecording } from "./trafficRecorder";
import { dropSocket } from "./dropSocket";

/**
 * One thing a fuzzing socket writes: a binary or text message (text frames carry any bytes,
 * valid UTF-8 or not), a message split into fragments (one WebSocket frame each), or raw bytes
 * written straight to the TCP socket (a hand-made frame header).
 */
export type FuzzFrame =
  | { type: "binary"; data: Buffer }
  | { type: "text"; data: Buffer }
  | { type: "fragments"; parts: Buffer[] }
  | { type: "raw"; data: Buffer };

/** WebSocket frames a FuzzFrame puts on the wire. */
export const wireFrames = (frame: FuzzFrame) => (frame.type === "fragments" ? frame.parts.length : 1);

/** A burst of frames one connection sends, and the close codes that would be right for it. */
export interface FuzzBurst {
  kind: FuzzKind;
  frames: FuzzFrame[];
  expectClose: readonly number[];
}

export const FUZZ_KINDS = [
  "random",
  "bitflip",
  "truncated",
  "empty",
  "hugeLength",
  "text",
  "badUtf8",
  "oversize",
  "hugeHeader",
  "fragmentedGarbage",
  "fragmentFlood",
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** Protocol errors close with 4400; new content under someone else's client id with 4403. */
const PROTOCOL_CLOSE = [4400, 4403] as const;
/** A message type nobody defines: ends every binary burst, so every connection offends. */
const UNKNOWN_TYPE = Buffer.from([42]);
/** More fragments than ws accepts in one message (its default maxFragments is 16 384). */
export const FRAGMENT_FLOOD = 16_400;

const randomBytes = (random: Random, length: number) => {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = random.int(0, 255);
  return bytes;
};

const varUint = (value: number) => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return Buffer.from(encoding.toUint8Array(encoder));
};

/** y-websocket messages whose length or count fields promise far more than is there. */
function hugeLengthFrames(random: Random): Buffer[] {
  const huge = () => random.pick([2 ** 31, 2 ** 32 - 1, 2 ** 40, 2 ** 53 - 1, 0x7fffffff]);
  return [
    Buffer.concat([Buffer.from([0, 2]), varUint(huge()), randomBytes(random, 8)]), // update of huge length
    Buffer.concat([Buffer.from([0, 0]), varUint(huge())]), // sync step 1, huge state vector
    Buffer.concat([Buffer.from([0, 0, 6]), varUint(huge()), Buffer.from([1, 1, 1, 1])]), // vector with huge count
    Buffer.concat([Buffer.from([1]), varUint(huge()), Buffer.from([1, 2])]), // awareness of huge length
    Buffer.concat([Buffer.from([1, 8]), varUint(huge()), Buffer.from([1, 2, 3, 4, 5, 6])]), // huge awareness count
    // A Yjs update claiming a huge number of structs for a client, and a huge clock.
    Buffer.concat([Buffer.from([0, 2, 12, 1]), varUint(huge()), varUint(random.int(1, 2 ** 30)), varUint(huge()), Buffer.from([0, 0])]),
    // A delete set with a huge number of clients / ranges.
    Buffer.concat([Buffer.from([0, 2, 9, 0]), varUint(huge()), varUint(7), varUint(huge()), varUint(1)]),
    Buffer.concat([Buffer.from([0]), varUint(huge())]), // sync message type out of range
    Buffer.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), // varUint beyond 2^53
  ];
}

function mutate(random: Random, source: Uint8Array, how: "bitflip" | "truncated"): Buffer {
  const bytes = Buffer.from(source);
  if (how === "truncated") return bytes.subarray(0, random.int(0, Math.max(0, bytes.length - 1)));
  const flips = random.int(1, 8);
  for (let i = 0; i < flips && bytes.length > 0; i++) bytes[random.int(0, bytes.length - 1)] ^= 1 << random.int(0, 7);
  return bytes;
}

const BAD_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xc0, 0xaf], // overlong "/"
  [0xf8, 0x88, 0x80, 0x80, 0x80],
].map((b) => Buffer.from(b));

/**
 * Makes bursts of bad frames from a seeded source and a recording of real traffic. Sizes:
 * `burst` frames per connection for the cheap kinds; `maxMessageBytes` is the server's limit.
 */
export class FrameFuzzer {
  private readonly recorded: Uint8Array[];

  constructor(
    private readonly random: Random,
    recording: TrafficRecording,
    private readonly maxMessageBytes: number,
  ) {
    this.recorded = [...recording.sent, ...recording.received].filter((f) => f.length > 0);
  }

  burst(kind: FuzzKind, size: number): FuzzBurst {
    const { random } = this;
    const n = Array.from({ length: size }, (_, i) => i);
    const binary = (data: Buffer): FuzzFrame => ({ type: "binary", data });
    switch (kind) {
      case "random":
        return this.binaryBurst(kind, n.map(() => binary(randomBytes(random, random.int(1, 300)))));
      case "bitflip":
      case "truncated":
        return this.binaryBurst(kind, n.map(() => binary(mutate(random, random.pick(this.recorded), kind))));
      case "empty":
        return { kind, frames: n.map(() => binary(Buffer.alloc(0))), expectClose: PROTOCOL_CLOSE };
      case "hugeLength":
        return this.binaryBurst(kind, n.map(() => binary(random.pick(hugeLengthFrames(random)))));
      case "text": {
        const texts = ["hello", "{\"type\":\"sync\"}", "稿件", "\u0000\u0002\u0005abc", "\u0001\u0001", "0", " ".repeat(100)];
        return { kind, frames: n.map(() => ({ type: "text", data: Buffer.from(random.pick(texts)) })), expectClose: PROTOCOL_CLOSE };
      }
      case "badUtf8":
        // ws validates text frames: invalid UTF-8 is a protocol error closed with 1007.
        return {
          kind,
          frames: n.map(() => ({ type: "text", data: Buffer.concat([Buffer.from("正文"), random.pick(BAD_UTF8)]) })),
          expectClose: [1007],
        };
      case "oversize": {
        const data = randomBytes(random, 64);
        const frame = Buffer.concat([data, Buffer.alloc(this.maxMessageBytes + 1 - data.length + random.int(0, 1000))]);
        return { kind, frames: [binary(frame)], expectClose: [1009] };
      }
      case "hugeHeader": {
        // A frame header that announces an enormous payload (64-bit length), then a few bytes.
        const header = Buffer.alloc(14);
        header[0] = 0x82; // FIN + binary
        header[1] = 0x80 | 127; // masked, 64-bit length follows
        header.writeBigUInt64BE(BigInt(random.pick([2 ** 32, 2 ** 40, 2 ** 53 - 1])), 2);
        randomBytes(random, 4).copy(header, 10);
        return { kind, frames: [{ type: "raw", data: Buffer.concat([header, randomBytes(random, 32)]) }], expectClose: [1009] };
      }
      case "fragmentedGarbage": {
        // One garbage message in many tiny fragments: reassembled, then refused as a message.
        const parts = Array.from({ length: size }, () => randomBytes(random, random.int(0, 2)));
        parts[0] = Buffer.from([42]);
        return { kind, frames: [{ type: "fragments", parts }], expectClose: PROTOCOL_CLOSE };
      }
      case "fragmentFlood": {
        // A flood of tiny fragments that never ends the message: ws gives up at 16 384 (1008).
        const parts = Array.from({ length: FRAGMENT_FLOOD }, () => randomBytes(random, 1));
        return { kind, frames: [{ type: "fragments", parts }], expectClose: [1008] };
      }
    }
  }

  private binaryBurst(kind: FuzzKind, frames: FuzzFrame[]): FuzzBurst {
    return { kind, frames: [...frames, { type: "binary", data: UNKNOWN_TYPE }], expectClose: PROTOCOL_CLOSE };
  }
}

/** What happened to one fuzzing connection. */
export interface FuzzOutcome {
  opened: boolean;
  httpStatus: number | null;
  closeCode: number | null;
  /** The connection was still open at the deadline (then the test closes it). */
  timedOut: boolean;
  framesSent: number;
}

/**
 * Opens a raw `ws` socket with `headers`, waits until the server has joined it to its room
 * (its first message) unless `early`, writes the burst without waiting, and reports how the
 * server closed it. `deadlineMs` guards against a server that never answers.
 */
export function fuzzConnection(
  url: string,
  headers: Record<string, string>,
  frames: readonly FuzzFrame[],
  { early = false, deadlineMs = 20_000 }: { early?: boolean; deadlineMs?: number } = {},
): Promise<FuzzOutcome> {
  return new Promise((resolve) => {
    const outcome: FuzzOutcome = { opened: false, httpStatus: null, closeCode: null, timedOut: false, framesSent: 0 };
    const ws = new WebSocket(url, { headers, maxPayload: 64 * 1024 * 1024 });
    let sent = false;
    const finish = () => {
      clearTimeout(timer);
      dropSocket(ws);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      outcome.timedOut = true;
      finish();
    }, deadlineMs);
    const sendAll = () => {
      if (sent) return;
      sent = true;
      for (const frame of frames) {
        if (ws.readyState !== WebSocket.OPEN) break;
        if (frame.type === "raw") {
          (ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(frame.data);
        } else if (frame.type === "fragments") {
          frame.parts.forEach((part, i) => ws.send(part, { binary: true, fin: i === frame.parts.length - 1 }));
        } else {
          ws.send(frame.data, { binary: frame.type === "binary" });
        }
        outcome.framesSent += wireFrames(frame);
      }
    };
    ws.on("unexpected-response", (_req, res) => {
      outcome.httpStatus = res.statusCode ?? null;
      finish();
    });
    ws.on("open", () => {
      outcome.opened = true;
      if (early) sendAll();
    });
    ws.on("message", () => sendAll());
    ws.on("close", (code) => {
      outcome.closeCode = code;
      finish();
    });
    ws.on("error", () => {});
  });
}

/** A masked client frame (RFC 6455 §5.2) with a small payload (< 126 bytes). */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length >= 126) throw new Error("maskedFrame is for small payloads");
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

/** What the server answered a handshake that came with frames already attached. */
export interface EarlyOutcome {
  httpStatus: number | null;
  closeCode: number | null;
  /** Data messages the server sent before closing. */
  messages: number;
}

/**
 * Writes the WebSocket handshake and `frames` in one TCP write, so the frames are in the
 * server's hands before it has even checked the session: "messages before auth". Reads the
 * server's answer until it closes (or `deadlineMs`).
 */
export function handshakeWithFrames(
  url: string,
  headers: Record<string, string>,
  frames: readonly Buffer[],
  deadlineMs = 10_000,
): Promise<EarlyOutcome> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const outcome: EarlyOutcome = { httpStatus: null, closeCode: null, messages: 0 };
    const socket = net.connect(Number(target.port), target.hostname);
    let buffer = Buffer.alloc(0);
    let headerDone = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(finish, deadlineMs);
    socket.on("connect", () => {
      const lines = [
        `GET ${target.pathname} HTTP/1.1`,
        `Host: ${target.host}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytesNode(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), ...frames.map((f) => maskedFrame(0x2, f))]));
    });
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!headerDone) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        outcome.httpStatus = Number(/^HTTP\/1\.1 (\d+)/.exec(buffer.subarray(0, end).toString())?.[1] ?? 0);
        buffer = buffer.subarray(end + 4);
        headerDone = true;
      }
      // Server frames are unmasked: opcode, length (7, 16 or 64 bit), payload.
      while (buffer.length >= 2) {
        const opcode = buffer[0] & 0x0f;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 0x8) {
          outcome.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          return finish();
        }
        if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) outcome.messages += 1;
      }
    });
    socket.on("close", finish);
    socket.on("error", () => {});
  });
}
